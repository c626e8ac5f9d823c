using EsimRenewal.Core.Common;
using EsimRenewal.Core.Payments;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace EsimRenewal.Web.Payments;

/// <summary>
/// <c>POST /stripe/webhook</c>: verifies Stripe-Signature on the raw body (default 300 s tolerance),
/// answers 400 to anything unverified and changes nothing, 200 to duplicates and to event types we
/// do not handle. The only endpoint without antiforgery: the signature is its authentication.
/// A signed event from the other mode than the configured key's (a test-mode event reaching a live
/// portal), or whose session is not its order's own in yen for its amount, changes nothing and is
/// logged as critical (answered 200: Stripe retrying it would not make it right).
/// </summary>
public static class StripeWebhookEndpoint
{
    public const string Path = "/stripe/webhook";
    private const int MaxBodyBytes = 512 * 1024;

    public static void MapStripeWebhook(this IEndpointRouteBuilder app) => app.MapPost(Path, HandleAsync).DisableAntiforgery();

    private static async Task<IResult> HandleAsync(HttpRequest request, FulfilmentService fulfilment, IPaymentGateway gateway, IOptions<StripeOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(StripeWebhookEndpoint).FullName!);
        if (request.ContentLength is > MaxBodyBytes)
        {
            return Results.BadRequest();
        }
        string json;
        using (var reader = new StreamReader(request.Body))
        {
            json = await reader.ReadToEndAsync(ct);
        }
        var signature = request.Headers["Stripe-Signature"].ToString();
        if (string.IsNullOrEmpty(signature))
        {
            logger.LogWarning("Rejected a webhook without a Stripe-Signature header");
            return Results.BadRequest();
        }
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, signature, options.Value.WebhookSecret);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bad signature, a stale timestamp, another API version, or a body that is not an event.
            logger.LogWarning("Rejected a webhook that failed verification: {Reason}", ex.GetType().Name + ": " + ex.Message);
            return Results.BadRequest();
        }
        if (stripeEvent.Livemode != options.Value.LiveMode)
        {
            logger.LogCritical(
                "Rejected webhook {EventId} ({EventType}): livemode {EventLivemode} but the configured key is {KeyMode}. Nothing was changed",
                stripeEvent.Id, stripeEvent.Type, stripeEvent.Livemode, options.Value.LiveMode ? "live" : "test");
            return Results.Ok();
        }
        if (ToPaymentEvent(stripeEvent) is not { } paymentEvent)
        {
            return Results.Ok();
        }
        // From here the verified event is applied even if Stripe stops waiting (its timeout, a dropped connection):
        // its retry then finds the work done. Cancelled with the request instead, every delivery to a slow host would
        // be undone and retried, never applied. The database's command timeout and Stripe.net's bound each wait.
        var untilDone = CancellationToken.None;
        if (paymentEvent.Session is { } eventSession
            && (eventSession.PaymentStatus == CheckoutPaymentStatus.Paid || eventSession.Status == CheckoutStatus.Complete))
        {
            // An event's session is not expanded: ask Stripe how it was paid (for the receipt) and, for a
            // konbini slip, until when the store takes the payment. The event's own state is kept.
            var current = await gateway.GetCheckoutSessionAsync(eventSession.Id, untilDone);
            paymentEvent = paymentEvent with
            {
                Session = eventSession with
                {
                    PaymentMethodType = current.PaymentMethodType,
                    CustomerEmail = eventSession.CustomerEmail ?? current.CustomerEmail,
                    AsyncPaymentDeadline = current.AsyncPaymentDeadline,
                },
            };
        }
        var result = await fulfilment.ApplyEventAsync(paymentEvent, untilDone);
        logger.LogInformation("Webhook {EventId} ({EventType}): {Result}", stripeEvent.Id, stripeEvent.Type, result);
        return Results.Ok();
    }

    internal static PaymentEvent? ToPaymentEvent(Event stripeEvent)
    {
        PaymentEventKind? kind = stripeEvent.Type switch
        {
            EventTypes.CheckoutSessionCompleted => PaymentEventKind.CheckoutCompleted,
            EventTypes.CheckoutSessionAsyncPaymentSucceeded => PaymentEventKind.AsyncPaymentSucceeded,
            EventTypes.CheckoutSessionAsyncPaymentFailed => PaymentEventKind.AsyncPaymentFailed,
            EventTypes.CheckoutSessionExpired => PaymentEventKind.CheckoutExpired,
            EventTypes.ChargeRefunded => PaymentEventKind.ChargeRefunded,
            _ => null,
        };
        return (kind, stripeEvent.Data.Object) switch
        {
            (null, _) => null,
            (PaymentEventKind.ChargeRefunded, Charge charge) =>
                new PaymentEvent(stripeEvent.Id, PaymentEventKind.ChargeRefunded, null, charge.PaymentIntentId, charge.Refunded, Yen.FromMinorUnits(charge.AmountRefunded)),
            ({ } k, Session session) => new PaymentEvent(stripeEvent.Id, k, StripePaymentGateway.ToCheckoutSession(session), session.PaymentIntentId, false),
            _ => null,
        };
    }
}
