using System.Text.Json.Nodes;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.Sessions;
using EsimRenewal.StripeEmulator.State;
using EsimRenewal.StripeEmulator.Webhooks;

namespace EsimRenewal.StripeEmulator.Control;

public sealed record WebhookTargetRequest(string? Url, string? Secret);

public sealed record DeliverySwitchesRequest(int? Copies, int? DelayMs, bool? Hold);

public sealed record PayRequest(string Method, string? CardNumber, string? Email);

/// <summary>
/// Test and automation endpoints under /_emulator: webhook target, delivery switches, the wire log,
/// paying a session without a browser, sweeping expiries now, and reset. They need the emulator's
/// secret key, like the API (<see cref="ControlKeyMiddleware"/>): whoever can reach the emulator cannot
/// pay sessions, read the wire log or point the webhooks elsewhere without it.
/// </summary>
public static class ControlEndpoints
{
    public static void MapControlEndpoints(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_emulator");

        control.MapGet("/webhook", (WebhookEndpoint endpoint, WebhookDispatcher dispatcher) => Describe(endpoint, dispatcher));

        control.MapPost("/webhook", (WebhookTargetRequest request, WebhookEndpoint endpoint, WebhookDispatcher dispatcher) =>
        {
            if (request.Url is not null
                && (!Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                return Results.BadRequest(new { error = "url must be an absolute http(s) URL, or null to stop delivery" });
            }

            if (request.Secret is not null && !request.Secret.StartsWith("whsec_", StringComparison.Ordinal))
            {
                return Results.BadRequest(new { error = "secret must start with whsec_" });
            }

            endpoint.SetTarget(request.Url, request.Secret);
            return Results.Ok(Describe(endpoint, dispatcher));
        });

        control.MapPost("/delivery", (DeliverySwitchesRequest request, WebhookEndpoint endpoint, WebhookDispatcher dispatcher) =>
        {
            var current = endpoint.Switches;
            var switches = new DeliverySwitches(
                request.Copies ?? current.Copies,
                request.DelayMs is { } ms ? TimeSpan.FromMilliseconds(ms) : current.Delay,
                request.Hold ?? current.Hold);
            if (switches.Copies < 1 || switches.Delay < TimeSpan.Zero)
            {
                return Results.BadRequest(new { error = "copies must be at least 1 and delay_ms not negative" });
            }

            endpoint.SetSwitches(switches);
            return Results.Ok(Describe(endpoint, dispatcher));
        });

        control.MapPost("/delivery/release", (bool? reverse, WebhookDispatcher dispatcher) =>
            Results.Ok(new { released = dispatcher.Release(reverse ?? false) }));

        control.MapGet("/deliveries", (string? eventId, DeliveryLog log) =>
            Results.Ok(log.Snapshot().Where(a => eventId is null || a.EventId == eventId)));

        control.MapGet("/requests", (string? path, RequestLog log) =>
            Results.Ok(log.Snapshot().Where(r => path is null || r.Path == path)));

        control.MapPost("/sessions/{id}/pay", (string id, PayRequest request, CheckoutPayments payments, CheckoutSessionService sessions) =>
        {
            var result = Pay(id, request, payments);
            return result.Kind switch
            {
                PaymentResultKind.Succeeded => WireJson.Ok(sessions.Get(id, new HashSet<string>())),
                PaymentResultKind.NotFound => Error(StatusCodes.Status404NotFound, "invalid_request_error", result),
                PaymentResultKind.Declined => Error(StatusCodes.Status402PaymentRequired, "card_error", result),
                _ => Error(StatusCodes.Status409Conflict, "invalid_request_error", result),
            };
        });

        control.MapPost("/sweep", (CheckoutSessionService sessions, CheckoutPayments payments) =>
            Results.Ok(new { expired_sessions = sessions.ExpireDue(), lapsed_konbini = payments.LapseOverdueKonbini() }));

        control.MapPost("/reset", (EmulatorStore store, RequestLog requests, IdempotencyCache idempotency, DeliveryLog deliveries, WebhookEndpoint endpoint, WebhookDispatcher dispatcher) =>
        {
            dispatcher.Reset();
            endpoint.Reset();
            store.Reset();
            requests.Clear();
            idempotency.Clear();
            deliveries.Clear();
            return Results.Ok(new { reset = true });
        });
    }

    private static PaymentResult Pay(string id, PayRequest request, CheckoutPayments payments)
    {
        var email = request.Email;
        switch (request.Method)
        {
            case "card":
                return payments.PayByCard(id, email, request.CardNumber ?? "4242424242424242", "12/34", "123");
            case "alipay" or "wechat_pay" or "paypay":
                return payments.AuthorizeWallet(id, request.Method, approve: true, email);
            case "konbini":
                return payments.ChooseKonbini(id, email);
            case "konbini-paid" or "konbini-failed":
                var chosen = payments.ChooseKonbini(id, email);
                if (chosen.Kind == PaymentResultKind.NotFound)
                {
                    return chosen;
                }

                return request.Method == "konbini-paid" ? payments.KonbiniPaid(id) : payments.KonbiniLapsed(id);
            default:
                return new PaymentResult(
                    PaymentResultKind.NotAllowed,
                    "method must be one of card, alipay, wechat_pay, paypay, konbini, konbini-paid, konbini-failed");
        }
    }

    private static IResult Error(int status, string type, PaymentResult result)
    {
        var json = StripeApiException.ErrorJson(type, result.Message, result.Code);
        if (result.DeclineCode is not null)
        {
            json["error"]!["decline_code"] = result.DeclineCode;
        }

        return Results.Text(json.ToJsonString(), "application/json", statusCode: status);
    }

    private static JsonObject Describe(WebhookEndpoint endpoint, WebhookDispatcher dispatcher)
    {
        var target = endpoint.Target;
        var switches = endpoint.Switches;
        return new JsonObject
        {
            ["url"] = target.Url,
            ["secret_configured"] = !string.IsNullOrEmpty(target.Secret),
            ["copies"] = switches.Copies,
            ["delay_ms"] = (long)switches.Delay.TotalMilliseconds,
            ["hold"] = switches.Hold,
            ["held"] = dispatcher.HeldCount,
        };
    }
}
