using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace EsimRenewal.Web.Pages;

/// <summary>Friendly pages for 404 and other status codes, in the visitor's language.</summary>
/// <remarks>
/// Re-executed with the failed request's method and body, so the code is read from the route, not model-bound:
/// binding would read the body first, and a body that cannot be read (the reason for many a 400) would leave it 0.
/// </remarks>
[IgnoreAntiforgeryToken]
public sealed class StatusModel : PageModel
{
    public int Code { get; private set; }

    public void OnGet() => Code = int.TryParse(RouteData.Values["code"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;

    public void OnPost() => OnGet();
}
