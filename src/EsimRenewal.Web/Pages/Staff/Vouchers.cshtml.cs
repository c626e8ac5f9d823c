using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Staff;

/// <summary>
/// <c>/staff/vouchers</c>: look a voucher up by its serial or its code: batch, plan, state, and when and
/// onto which SIM it was redeemed. A POST, so a code never appears in a URL or a request log.
/// </summary>
public sealed class VouchersModel(VoucherRedemptionService vouchers, IValidator<VouchersModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public VoucherDetails? Details { get; private set; }

    public sealed class InputModel
    {
        public string? Query { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t)
        {
            RuleFor(x => x.Query)
                .NotEmpty().WithMessage(t["Staff.Lookup.Required"])
                .MaximumLength(100).WithMessage(t["Vouchers.Error.NotACode"]);
        }
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input);
        if (!validation.IsValid)
        {
            validation.AddTo(ModelState, nameof(Input));
            return Page();
        }
        var result = await vouchers.LookUpAsync(Input.Query, this.RedeemerFor(RedemptionChannel.Staff), ct);
        if (!result.Succeeded)
        {
            var message = result.Failure.Reason == VoucherRefusal.UnknownCode ? t["Staff.Lookup.NotFound"] : VoucherText.Refusal(t, result.Failure, RedemptionChannel.Staff);
            ModelState.AddModelError(result.Failure.Reason == VoucherRefusal.TooManyAttempts ? string.Empty : "Input.Query", message);
            this.SetStatusFor(result.Failure);
            return Page();
        }
        Details = result.Value;
        return Page();
    }
}
