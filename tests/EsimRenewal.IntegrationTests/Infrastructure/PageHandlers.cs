using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>One handler of a page: <c>OnPostRefundAsync</c> of <c>/Admin/Orders/Details</c> is (POST, "Refund").</summary>
public sealed partial record PageHandler(string Page, string Template, string Method, string Name)
{
    /// <summary>The URL with each route parameter (<c>{id}</c>, <c>{code:int}</c>) filled by <paramref name="fill"/>, and the handler named.</summary>
    public string Url(Func<string, string> fill)
    {
        var path = "/" + RouteParameter().Replace(Template, m => fill(m.Value));
        return Name.Length == 0 ? path : $"{path}?handler={Name}";
    }

    public override string ToString() => $"{Method} {Page}{(Name.Length == 0 ? "" : "?handler=" + Name)}";

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}

/// <summary>
/// Every routable page of the running portal and every handler of its page model, found by reflection,
/// so the tests that walk all pages cannot forget a new one.
/// </summary>
public static partial class PageHandlers
{
    public static IReadOnlyList<PageActionDescriptor> Pages(PortalFactory portal) =>
        portal.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items
            .OfType<PageActionDescriptor>()
            .Where(p => p.AttributeRouteInfo?.Template is not null && !Path.GetFileName(p.ViewEnginePath).StartsWith('_'))
            .ToList();

    public static IReadOnlyList<PageHandler> All(PortalFactory portal)
    {
        var handlers = new List<PageHandler>();
        foreach (var page in Pages(portal))
        {
            var model = typeof(Program).Assembly.GetType("EsimRenewal.Web.Pages" + page.ViewEnginePath.Replace('/', '.') + "Model");
            if (model is null)
            {
                // A page without a model (plain markup) answers GET only.
                handlers.Add(new PageHandler(page.ViewEnginePath, page.AttributeRouteInfo!.Template!, "GET", ""));
                continue;
            }
            Assert.True(typeof(PageModel).IsAssignableFrom(model));
            foreach (var method in model.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (HandlerMethod().Match(method.Name) is { Success: true } m)
                {
                    handlers.Add(new PageHandler(page.ViewEnginePath, page.AttributeRouteInfo!.Template!, m.Groups[1].Value.ToUpperInvariant(), m.Groups[2].Value));
                }
            }
        }
        return handlers;
    }

    [GeneratedRegex("^On(Get|Post)(.*?)(Async)?$")]
    private static partial Regex HandlerMethod();
}
