using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.State;
using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator.Sessions;

/// <summary>The Checkout Session and payment intent routes of /v1.</summary>
public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/checkout/sessions", (HttpContext context, CheckoutSessionService sessions, TimeProvider time, IOptions<EmulatorOptions> options) =>
        {
            var request = NewSessionReader.Read(ApiRequest.Of(context).Parameters, time.GetUtcNow());
            var baseUrl = string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl)
                ? $"{context.Request.Scheme}://{context.Request.Host}"
                : options.Value.PublicBaseUrl;
            return WireJson.Ok(sessions.Create(request, baseUrl));
        });

        api.MapGet("/v1/checkout/sessions", (HttpContext context, CheckoutSessionService sessions) =>
        {
            var parameters = ApiRequest.Of(context).Parameters;
            return WireJson.Ok(sessions.List(
                SessionFilter.Read(parameters), ListQuery.Read(parameters), NewSessionReader.ReadExpand(parameters, prefix: "data.")));
        });

        api.MapGet("/v1/checkout/sessions/{id}", (string id, HttpContext context, CheckoutSessionService sessions) =>
            WireJson.Ok(sessions.Get(id, NewSessionReader.ReadExpand(ApiRequest.Of(context).Parameters, prefix: string.Empty))));

        api.MapGet("/v1/checkout/sessions/{id}/line_items", (string id, HttpContext context, CheckoutSessionService sessions) =>
            WireJson.Ok(sessions.LineItems(id, ListQuery.Read(ApiRequest.Of(context).Parameters))));

        api.MapPost("/v1/checkout/sessions/{id}/expire", (string id, HttpContext context, CheckoutSessionService sessions) =>
            WireJson.Ok(sessions.Expire(id, ApiRequest.Of(context))));

        api.MapGet("/v1/payment_intents/{id}", (string id, EmulatorStore store) =>
            WireJson.Ok(store.Locked(state => state.PaymentIntents.TryGetValue(id, out var pi)
                ? PaymentWire.PaymentIntent(pi)
                : throw StripeApiException.NoSuch("payment_intent", id))));
    }
}
