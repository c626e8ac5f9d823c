using EsimRenewal.Core.Common;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Redeem;

/// <summary>
/// <c>/redeem</c>: a signed-in traveller enters a voucher code, picks one of their SIMs the voucher's
/// plan fits, sees the resulting expiry, and confirms. Three posts, one service call each.
/// </summary>
[Authorize]
public sealed class IndexModel(VoucherRedemptionService vouchers, IValidator<IndexModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Step 2: the voucher and the SIMs to choose from.</summary>
    public VoucherOffer? Offer { get; private set; }

    /// <summary>Step 3: what confirming will do.</summary>
    public RedemptionPreview? Preview { get; private set; }

    public sealed class InputModel
    {
        public string? Code { get; set; }
        public Guid? SimId { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Code)
                .NotEmpty().WithMessage(t["Redeem.CodeRequired"])
                .MaximumLength(100).WithMessage(t["Vouchers.Error.NotACode"]);
        }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostFindAsync(CancellationToken ct)
    {
        if (!await IsValidAsync())
        {
            return Page();
        }
        var result = await vouchers.FindAsync(Input.Code, this.RedeemerFor(RedemptionChannel.Traveller), ct);
        if (!result.Succeeded)
        {
            return Refused(result.Failure);
        }
        Offer = result.Value;
        Input.SimId ??= Offer.Sims[0].SimId;
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!await IsValidAsync(simRequired: true))
        {
            return Page();
        }
        var result = await vouchers.PreviewAsync(Input.Code, SimKey.Owned(Input.SimId!.Value), this.RedeemerFor(RedemptionChannel.Traveller), ct);
        if (!result.Succeeded)
        {
            return Refused(result.Failure);
        }
        Preview = result.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        if (!await IsValidAsync(simRequired: true))
        {
            return Page();
        }
        var result = await vouchers.RedeemAsync(Input.Code, SimKey.Owned(Input.SimId!.Value), this.RedeemerFor(RedemptionChannel.Traveller), ct);
        if (!result.Succeeded)
        {
            return Refused(result.Failure);
        }
        var receipt = result.Value;
        TempData["StatusMessage"] = t["Redeem.Done", VoucherText.MaskIccid(receipt.Iccid), Jst.Format(receipt.NewExpiresAt)].Value;
        return RedirectToPage("/Sims/Index");
    }

    private async Task<bool> IsValidAsync(bool simRequired = false)
    {
        var validation = await validator.ValidateAsync(Input);
        validation.AddTo(ModelState, nameof(Input));
        if (simRequired && Input.SimId is null)
        {
            ModelState.AddModelError("Input.SimId", t["Redeem.PickSim"]);
        }
        return ModelState.IsValid;
    }

    private PageResult Refused(VoucherFailure failure)
    {
        ModelState.AddModelError(VoucherText.FieldOf(failure.Reason, "Input.SimId"), VoucherText.Refusal(t, failure, RedemptionChannel.Traveller));
        this.SetStatusFor(failure);
        return Page();
    }
}
