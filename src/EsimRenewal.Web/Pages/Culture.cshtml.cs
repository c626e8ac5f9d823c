using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages;

/// <summary>
/// The language switch: the header's links (<c>/culture?lang=ja&amp;returnUrl=/plans/jp-7d</c>) come here;
/// the chosen language is remembered in a cookie and the visitor goes back. A link, not a form, so no
/// page needs an antiforgery token for it and anonymous pages stay cacheable (docs/decisions/0026).
/// </summary>
public sealed class CultureModel(IStringLocalizer<SharedResource> t) : PageModel
{
    public IActionResult OnGet(string? lang, string? returnUrl)
    {
        Response.Headers.CacheControl = "no-store"; // sets a cookie: no cache may keep this redirect
        var target = IsSafeReturnUrl(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl! : "/";
        if (!Cultures.IsSupported(lang))
        {
            this.Notice(t["Language.Unsupported"].Value); // nothing was changed: a notice, not a success
            return LocalRedirect(target);
        }
        Response.Cookies.Append(
            Cultures.CookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(lang!)),
            Cultures.CookieOptions(Request));
        return LocalRedirect(target);
    }

    /// <summary>Printable ASCII only: the address goes into a Location header, where control or non-ASCII characters would fail the response.</summary>
    private static bool IsSafeReturnUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url.All(c => c is > ' ' and < (char)0x7f);
}
