using EsimRenewal.StripeEmulator.Infrastructure;
using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator.Control;

/// <summary>
/// /_emulator needs the emulator's secret key (<c>Authorization: Bearer sk_test_…</c>), like the API.
/// Checked before routing and binding, so a refused request learns nothing and changes nothing.
/// </summary>
public sealed class ControlKeyMiddleware(RequestDelegate next, IOptions<EmulatorOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var key = ApiEdgeMiddleware.ReadApiKey(context.Request);
        if (key is not null && ApiEdgeMiddleware.IsSecretKey(key, options.Value))
        {
            await next(context);
            return;
        }

        var message = key is null ? ApiEdgeMiddleware.MissingKeyMessage : $"Invalid API Key provided: {ApiEdgeMiddleware.Mask(key)}";
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(StripeApiException.ErrorJson("invalid_request_error", message).ToJsonString(), context.RequestAborted);
    }
}
