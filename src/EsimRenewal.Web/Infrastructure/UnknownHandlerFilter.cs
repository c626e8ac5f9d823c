using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// A request that matches none of a page's handlers (a POST to a page that only shows, <c>?handler=</c>
/// naming nothing) would make Razor Pages render the page without running any handler, so with nothing
/// loaded. It is answered 404 (GET, HEAD) or 405 instead. Plain pages (no handlers) still answer GET, and
/// error pages re-executed for a failed request of any method render as usual.
/// </summary>
public sealed class UnknownHandlerFilter : IPageFilter
{
    public void OnPageHandlerSelected(PageHandlerSelectedContext context)
    {
    }

    public void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        var features = context.HttpContext.Features;
        var method = context.HttpContext.Request.Method;
        var reading = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        if (context.HandlerMethod is not null
            || (reading && context.ActionDescriptor.HandlerMethods.Count == 0)
            || features.Get<IStatusCodeReExecuteFeature>() is not null
            || features.Get<IExceptionHandlerFeature>() is not null)
        {
            return;
        }
        context.Result = new StatusCodeResult(reading ? StatusCodes.Status404NotFound : StatusCodes.Status405MethodNotAllowed);
    }

    public void OnPageHandlerExecuted(PageHandlerExecutedContext context)
    {
    }
}
