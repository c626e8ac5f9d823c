using System.Globalization;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Infrastructure.Localization;
using EsimRenewal.Web.Orders;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Payments;

public static class PurchaseRequests
{
    /// <summary>
    /// A purchase by the signed-in user in the current UI language. Checkout returns to the order
    /// page: with the session id after paying, or marked cancelled.
    /// </summary>
    public static PurchaseRequest For(PageModel page, Guid requestId) => New(page, page.User.Id(), requestId, orderId =>
    {
        var orderUrl = page.Url.Page("/Orders/Details", null, new { id = orderId }, page.Request.Scheme)!;
        return (orderUrl + "?session_id={CHECKOUT_SESSION_ID}", orderUrl + "?cancelled=true");
    });

    /// <summary>A purchase without an account (quick renewal): checkout returns to the order's signed link.</summary>
    public static PurchaseRequest ForGuest(PageModel page, Guid requestId, OrderLinks links) => New(page, null, requestId, orderId =>
    {
        var orderUrl = $"{page.Request.Scheme}://{page.Request.Host}{links.PathTo(orderId)}";
        return (orderUrl + "&session_id={CHECKOUT_SESSION_ID}", orderUrl + "&cancelled=true");
    });

    /// <remarks>
    /// The request id comes from a hidden field; a missing or forged one makes a new purchase, and the
    /// bound on open checkouts still stops a flood of them.
    /// </remarks>
    private static PurchaseRequest New(PageModel page, string? userId, Guid requestId, Func<Guid, (string Success, string Cancel)> returnUrls) => new(
        userId,
        requestId == Guid.Empty ? Guid.NewGuid() : requestId,
        Cultures.Normalize(CultureInfo.CurrentUICulture.Name),
        Cultures.StripeLocale(CultureInfo.CurrentUICulture),
        returnUrls);
}

/// <summary>The plan choice of a renewal form: the options and the one selected.</summary>
public sealed record RenewalPlanChoice(RenewalChoice Choice, Guid? Selected);
