using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.Refunds;

public static class RefundEndpoints
{
    public static void MapRefundEndpoints(this IEndpointRouteBuilder api)
    {
        api.MapPost("/v1/refunds", (HttpContext context, RefundService refunds) => WireJson.Ok(refunds.Create(ApiRequest.Of(context))));

        api.MapGet("/v1/refunds/{id}", (string id, EmulatorStore store) =>
            WireJson.Ok(store.Locked(state => state.Refunds.TryGetValue(id, out var refund)
                ? PaymentWire.Refund(refund)
                : throw StripeApiException.NoSuch("refund", id))));
    }
}
