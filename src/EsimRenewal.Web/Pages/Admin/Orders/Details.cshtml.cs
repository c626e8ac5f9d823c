using EsimRenewal.Core.Orders;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Vouchers;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages.Admin.Orders;

/// <summary>
/// <c>/admin/orders/{id}</c>: one order's payment timeline, its SIM's validity change and carrier
/// delivery, and the full refund through Stripe (a reason is required; the page says beforehand
/// whether the SIM loses this renewal's days).
/// </summary>
public sealed class DetailsModel(OrderAdminService orders, RefundService refunds, IValidator<DetailsModel.InputModel> validator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    public OrderDetail Detail { get; private set; } = null!;

    /// <summary>A timeline entry in words: a Stripe event by its type, a milestone of the order by its name.</summary>
    public string Describe(TimelineEntry entry) => entry.Kind switch
    {
        "created" => t["Admin.Timeline.Created"],
        "paid" => t["Admin.Timeline.Paid"],
        "fulfilled" => t["Admin.Timeline.Fulfilled"],
        "refund-requested" => t["Admin.Timeline.RefundRequested"],
        "refunded" => t["Admin.Timeline.Refunded"],
        "stripe:ChargeRefunded" when entry.Amount is { } refunded && refunded != Detail.Order.Amount => t["Admin.Timeline.PartialRefund", refunded],
        _ when entry.Kind.StartsWith("closed:", StringComparison.Ordinal) => t["Admin.Timeline.Closed", t["Order.State." + entry.Kind["closed:".Length..]]],
        _ when entry.Kind.StartsWith("stripe:", StringComparison.Ordinal) => t["Admin.Timeline.StripeEvent", entry.Kind["stripe:".Length..], entry.Detail ?? ""],
        _ => entry.Kind,
    };

    public sealed class InputModel
    {
        public string? Reason { get; set; }
    }

    public sealed class Validator : AbstractValidator<InputModel>
    {
        public Validator(IStringLocalizer<SharedResource> t) => RuleFor(x => x.Reason)
            .Must(r => !string.IsNullOrWhiteSpace(r)).WithMessage(t["Admin.Refund.ReasonRequired"])
            .MaximumLength(Order.RefundReasonMaxLength).WithMessage(t["Admin.Refund.ReasonTooLong", Order.RefundReasonMaxLength]);
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    [RequiresTwoFactor]
    public async Task<IActionResult> OnPostRefundAsync(Guid id, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(Input, ct);
        if (validation.IsValid)
        {
            var result = await refunds.RefundAsync(id, Input.Reason!.Trim(), this.ActorFor(), ct);
            switch (result.Status)
            {
                case RefundStatus.Requested:
                    TempData["StatusMessage"] = t["Admin.Refund.Requested"].Value;
                    return RedirectToPage(new { id });
                case RefundStatus.Refused:
                    ModelState.AddModelError(string.Empty, t["Admin.Refund.Refusal." + result.Refusal]);
                    break;
                default:
                    ModelState.AddModelError(string.Empty, t["Admin.Refund.ProviderFailed", result.ProviderMessage ?? ""]);
                    break;
            }
        }
        else
        {
            validation.AddTo(ModelState, nameof(Input));
        }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await orders.GetDetailAsync(id, ct) is not { } detail)
        {
            return false;
        }
        Detail = detail;
        return true;
    }
}
