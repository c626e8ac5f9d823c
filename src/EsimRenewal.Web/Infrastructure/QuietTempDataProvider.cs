using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// TempData in a cookie, as the framework keeps it, except that a page which merely looked for a status
/// message (every layout does) sends no Set-Cookie deleting a cookie the browser never had: anonymous
/// catalogue pages then set no cookie at all and can be cached (docs/decisions/0026).
/// </summary>
internal sealed class QuietTempDataProvider(CookieTempDataProvider inner, IOptions<CookieTempDataProviderOptions> options) : ITempDataProvider
{
    public IDictionary<string, object> LoadTempData(HttpContext context) => inner.LoadTempData(context);

    public void SaveTempData(HttpContext context, IDictionary<string, object> values)
    {
        var name = options.Value.Cookie.Name!;
        if (values.Count == 0 && !context.Request.Cookies.Keys.Any(k => k.StartsWith(name, StringComparison.Ordinal)))
        {
            return; // nothing to keep and nothing to delete
        }
        inner.SaveTempData(context, values);
    }
}
