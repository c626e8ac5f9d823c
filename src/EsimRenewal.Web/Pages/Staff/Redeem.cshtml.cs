using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Staff;

/// <summary>
/// <c>/staff/redeem</c>: a partner or support desk redeems a customer's voucher code onto the SIM with
/// the ICCID they give: preview (plan, current and new expiry), confirm, then a printable slip.
/// </summary>
public sealed class RedeemModel(VoucherRedemptionService vouchers, IValidator<RedeemModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public RedemptionPreview? Preview { get; private set; }

    public sealed class InputModel
    {
        public string? Code { get; set; }
        public string? Iccid { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Code)
                .NotEmpty().WithMessage(t["Redeem.CodeRequired"])
                .MaximumLength(100).WithMessage(t["Vouchers.Error.NotACode"]);
            // Validated before any look-up.
            RuleFor(x => x.Iccid)
                .NotEmpty().WithMessage(t["Staff.IccidRequired"])
                .Must(i => Core.Sims.Iccid.TryParse(i, out _)).WithMessage(t["Staff.IccidInvalid"]);
        }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        if (!await IsValidAsync())
        {
            return Page();
        }
        var result = await vouchers.PreviewAsync(Input.Code, SimKey.ByIccid(Core.Sims.Iccid.Parse(Input.Iccid!)), this.RedeemerFor(RedemptionChannel.Staff), ct);
        if (!result.Succeeded)
        {
            return Refused(result.Failure);
        }
        Preview = result.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        if (!await IsValidAsync())
        {
            return Page();
        }
        var result = await vouchers.RedeemAsync(Input.Code, SimKey.ByIccid(Core.Sims.Iccid.Parse(Input.Iccid!)), this.RedeemerFor(RedemptionChannel.Staff), ct);
        if (!result.Succeeded)
        {
            return Refused(result.Failure);
        }
        TempData["StatusMessage"] = t["Staff.Redeemed"].Value;
        return RedirectToPage("/Staff/Slip", new { id = result.Value.RedemptionId });
    }

    private async Task<bool> IsValidAsync()
    {
        var validation = await validator.ValidateAsync(Input);
        validation.AddTo(ModelState, nameof(Input));
        return validation.IsValid;
    }

    private PageResult Refused(VoucherFailure failure)
    {
        ModelState.AddModelError(VoucherText.FieldOf(failure.Reason, "Input.Iccid"), VoucherText.Refusal(t, failure, RedemptionChannel.Staff));
        this.SetStatusFor(failure);
        return Page();
    }
}
