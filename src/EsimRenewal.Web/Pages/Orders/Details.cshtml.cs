using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages.Orders;

/// <summary>
/// <c>/orders/{id}</c>: the true state of an order. Checkout returns here; an unpaid order is first
/// brought up to date from Stripe, so "paid" shows even before the webhook arrives. A paid order is
/// never offered for payment again.
/// </summary>
public sealed class DetailsModel(OrderService orders, CheckoutService checkout) : PageModel
{
    public OrderView Order { get; private set; } = null!;

    [BindProperty(SupportsGet = true, Name = "cancelled")]
    public bool Cancelled { get; set; }

    [BindProperty(SupportsGet = true, Name = "session_id")]
    public string? ReturnedFromCheckout { get; set; }

    /// <summary>Payment is being confirmed: the page refreshes itself until it is settled.</summary>
    public bool IsProcessing => Order.State == OrderState.Paid
        || (Order.State == OrderState.PendingPayment && ReturnedFromCheckout is not null);

    public bool CanPay => Order.State == OrderState.PendingPayment && !IsProcessing;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await orders.GetForOwnerAsync(User.Id(), id, syncWithProvider: true, ct) is not { } order)
        {
            return NotFound();
        }
        Order = order;
        return Page();
    }

    /// <summary>Continue paying an unpaid order (after cancelling on the checkout page).</summary>
    public async Task<IActionResult> OnPostPayAsync(Guid id, CancellationToken ct)
    {
        var start = await checkout.ResumeAsync(PurchaseRequests.For(this, Guid.Empty), id, ct);
        return start.Status switch
        {
            CheckoutStartStatus.Pay => Redirect(start.Url!),
            CheckoutStartStatus.NotFound => NotFound(),
            _ => RedirectToPage(new { id }),
        };
    }
}
