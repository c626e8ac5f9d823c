using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.State;
using Microsoft.AspNetCore.Antiforgery;

namespace EsimRenewal.StripeEmulator.HostedCheckout;

/// <summary>
/// The hosted checkout page at a session's <c>url</c>. Every form is antiforgery-protected (an
/// <see cref="IFormCollection"/> parameter makes ASP.NET Core validate the token). A successful payment
/// redirects (303) to <c>success_url</c>; a decline shows Stripe's message and leaves the session open.
/// </summary>
public static class CheckoutPageEndpoints
{
    public static void MapCheckoutPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/checkout/{id}", (string id, HttpContext context, EmulatorStore store, IAntiforgery antiforgery) =>
            Page(id, context, store, antiforgery));

        app.MapPost("/checkout/{id}/card", (string id, IFormCollection form, HttpContext context, EmulatorStore store, IAntiforgery antiforgery, CheckoutPayments payments) =>
        {
            var result = payments.PayByCard(id, Email(form), form["card_number"], form["expiry"], form["cvc"]);
            return AfterPayment(result, id, context, store, antiforgery);
        });

        app.MapPost("/checkout/{id}/wallet/{type}", (string id, string type, IFormCollection form, HttpContext context, EmulatorStore store, IAntiforgery antiforgery, CheckoutPayments payments) =>
        {
            var result = payments.AuthorizeWallet(id, type, form["decision"] == "authorize", Email(form));
            return AfterPayment(result, id, context, store, antiforgery);
        });

        app.MapPost("/checkout/{id}/konbini", (string id, IFormCollection form, HttpContext context, EmulatorStore store, IAntiforgery antiforgery, CheckoutPayments payments) =>
            BackToPage(payments.ChooseKonbini(id, Email(form)), id, context, store, antiforgery));

        app.MapPost("/checkout/{id}/konbini/paid", (string id, IFormCollection form, HttpContext context, EmulatorStore store, IAntiforgery antiforgery, CheckoutPayments payments) =>
            BackToPage(payments.KonbiniPaid(id), id, context, store, antiforgery));

        app.MapPost("/checkout/{id}/konbini/lapse", (string id, IFormCollection form, HttpContext context, EmulatorStore store, IAntiforgery antiforgery, CheckoutPayments payments) =>
            BackToPage(payments.KonbiniLapsed(id), id, context, store, antiforgery));
    }

    private static string? Email(IFormCollection form) => form["email"].FirstOrDefault();

    private static IResult AfterPayment(PaymentResult result, string id, HttpContext context, EmulatorStore store, IAntiforgery antiforgery)
    {
        if (!result.Succeeded)
        {
            return Page(id, context, store, antiforgery, result);
        }

        return SeeOther(CheckoutPageModel.Load(store, id)!.SuccessUrl);
    }

    private static IResult BackToPage(PaymentResult result, string id, HttpContext context, EmulatorStore store, IAntiforgery antiforgery) =>
        result.Succeeded ? SeeOther($"/checkout/{id}") : Page(id, context, store, antiforgery, result);

    private static IResult SeeOther(string location) => new SeeOtherResult(location);

    private static IResult Page(string id, HttpContext context, EmulatorStore store, IAntiforgery antiforgery, PaymentResult? failure = null)
    {
        var model = CheckoutPageModel.Load(store, id);
        if (model is null)
        {
            return Results.Content(CheckoutPageView.NotFound(id), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        var html = CheckoutPageView.Render(model, new FormToken(tokens.FormFieldName, tokens.RequestToken!), failure?.Message);
        var status = failure?.Kind switch
        {
            PaymentResultKind.Declined => StatusCodes.Status402PaymentRequired,
            PaymentResultKind.NotAllowed => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status200OK,
        };
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>303 See Other: after a POST, the browser follows with a GET.</summary>
    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
