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
        if (ToPaymentEvent(stripeEvent) is not { } paymentEvent)
        {
            return Results.Ok();
        }
        if (paymentEvent.Session is { PaymentStatus: CheckoutPaymentStatus.Paid } paid)
        {
            // An event's session is not expanded: ask Stripe how it was paid, for the receipt.
            var current = await gateway.GetCheckoutSessionAsync(paid.Id, ct);
            paymentEvent = paymentEvent with { Session = paid with { PaymentMethodType = current.PaymentMethodType, CustomerEmail = paid.CustomerEmail ?? current.CustomerEmail } };
        }
        var result = await fulfilment.ApplyEventAsync(paymentEvent, ct);
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
