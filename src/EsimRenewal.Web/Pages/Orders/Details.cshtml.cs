using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Legal;
using EsimRenewal.Web.Orders;
using EsimRenewal.Web.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Pages.Orders;

/// <summary>
/// <c>/orders/{id}</c>: the true state of an order and its receipt. Checkout returns here; an unpaid
/// order is first brought up to date from Stripe, so "paid" shows even before the webhook arrives. A
/// paid order is never offered for payment again. Its buyer sees it signed in, or, for an order
/// placed without an account, through the signed link (<c>?access=…</c>) of the receipt email.
/// </summary>
public sealed class DetailsModel(OrderService orders, CheckoutService checkout, OrderLinks links, IOptions<OperatorOptions> seller, IStringLocalizer<SharedResource> t) : PageModel
{
    public OrderView Order { get; private set; } = null!;

    public OperatorOptions Seller => seller.Value;

    [BindProperty(SupportsGet = true, Name = "cancelled")]
    public bool Cancelled { get; set; }

    [BindProperty(SupportsGet = true, Name = "session_id")]
    public string? ReturnedFromCheckout { get; set; }

    [BindProperty(SupportsGet = true, Name = OrderLinks.QueryName)]
    public string? Access { get; set; }

    /// <summary>Payment is being confirmed: the page refreshes itself until it is settled.</summary>
    public bool IsProcessing => Order.State == OrderState.Paid
        || (Order.State == OrderState.PendingPayment && ReturnedFromCheckout is not null);

    public bool CanPay => Order.State == OrderState.PendingPayment && !IsProcessing;

    private bool SignedIn => User.Identity?.IsAuthenticated == true;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        var order = SignedIn ? await orders.GetForOwnerAsync(User.Id(), id, syncWithProvider: true, ct) : null;
        if (order is null && links.Grants(Access, id))
        {
            order = await orders.GetByLinkAsync(id, syncWithProvider: true, ct);
        }
        if (order is null)
        {
            return SignedIn || Access is not null ? NotFound() : Challenge();
        }
        Order = order;
        return Page();
    }

    /// <summary>Continue paying an unpaid order (after cancelling on the checkout page).</summary>
    public async Task<IActionResult> OnPostPayAsync(Guid id, CancellationToken ct)
    {
        if (ByLink(id) is not { } byLink)
        {
            return Challenge();
        }
        var start = byLink
            ? await checkout.ResumeByLinkAsync(PurchaseRequests.ForGuest(this, Guid.Empty, links), id, ct)
            : await checkout.ResumeAsync(PurchaseRequests.For(this, Guid.Empty), id, ct);
        if (start.Status is CheckoutStartStatus.ProviderUnavailable or CheckoutStartStatus.Busy)
        {
            this.Notice(t[start.Status == CheckoutStartStatus.Busy ? "Checkout.Busy" : "Payment.Unavailable"].Value);
        }
        return start.Status switch
        {
            CheckoutStartStatus.Pay => Redirect(start.Url!),
            CheckoutStartStatus.NotFound => NotFound(),
            _ => BackTo(id, byLink),
        };
    }

    /// <summary>Give up an unpaid order: its checkout is closed, so it can no longer be paid and no longer counts as open.</summary>
    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct)
    {
        if (ByLink(id) is not { } byLink)
        {
            return Challenge();
        }
        var outcome = await checkout.CancelAsync(byLink ? null : User.Id(), id, ct);
        if (outcome == CancelOutcome.NotFound)
        {
            return NotFound();
        }
        var message = t["Order.Cancel." + outcome].Value;
        if (outcome == CancelOutcome.Cancelled)
        {
            TempData["StatusMessage"] = message;
        }
        else
        {
            this.Notice(message);
        }
        return BackTo(id, byLink);
    }

    /// <summary>Who acts on the order: whoever holds its signed link (an order placed without an account), else the signed-in owner.</summary>
    private bool? ByLink(Guid id) => links.Grants(Access, id) ? true : SignedIn ? false : null;

    private IActionResult BackTo(Guid id, bool byLink) => byLink ? LocalRedirect(links.PathTo(id)) : RedirectToPage(new { id });
}
