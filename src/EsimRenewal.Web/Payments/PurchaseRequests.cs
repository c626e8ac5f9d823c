using System.Globalization;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Core.Payments;
using EsimRenewal.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Payments;

public static class PurchaseRequests
{
    /// <summary>
    /// A purchase by the signed-in user in the current UI language. Checkout returns to the order
    /// page: with the session id after paying, or marked cancelled.
    /// </summary>
    public static PurchaseRequest For(PageModel page, Guid requestId)
    {
        var culture = Cultures.Normalize(CultureInfo.CurrentUICulture.Name);
        return new PurchaseRequest(
            page.User.Id(),
            requestId,
            culture,
            Cultures.StripeLocale(CultureInfo.CurrentUICulture),
            orderId =>
            {
                var orderUrl = page.Url.Page("/Orders/Details", null, new { id = orderId }, page.Request.Scheme)!;
                return (orderUrl + "?session_id={CHECKOUT_SESSION_ID}", orderUrl + "?cancelled=true");
            });
    }
}
