using EsimRenewal.Web.Infrastructure.Localization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Pages;

/// <summary>The language switch: remembers the chosen language in a cookie and goes back.</summary>
public sealed class CultureModel(IStringLocalizer<SharedResource> t) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(string? culture, string? returnUrl)
    {
        var target = Url.IsLocalUrl(returnUrl) ? returnUrl : "/";
        if (!Cultures.IsSupported(culture))
        {
            TempData["StatusMessage"] = t["Language.Unsupported"].Value;
            return LocalRedirect(target);
        }
        Response.Cookies.Append(
            Cultures.CookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture!)),
            Cultures.CookieOptions(Request));
        return LocalRedirect(target);
    }
}
