using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Payments;

/// <summary>The payment events the portal acts on.</summary>
public enum PaymentEventKind
{
    /// <summary>checkout.session.completed: paid (card, wallets) or awaiting an async payment (konbini).</summary>
    CheckoutCompleted,

    /// <summary>checkout.session.async_payment_succeeded: the konbini payment arrived.</summary>
    AsyncPaymentSucceeded,

    /// <summary>checkout.session.async_payment_failed: the konbini deadline passed unpaid.</summary>
    AsyncPaymentFailed,

    /// <summary>checkout.session.expired: the customer never paid.</summary>
    CheckoutExpired,

    /// <summary>charge.refunded.</summary>
    ChargeRefunded,
}

/// <summary>A verified provider event, reduced to what fulfilment needs.</summary>
/// <param name="AmountRefunded">For <c>charge.refunded</c>: how much of the charge is refunded so far.</param>
public sealed record PaymentEvent(string EventId, PaymentEventKind Kind, CheckoutSession? Session, string? PaymentIntentId, bool FullyRefunded, Yen? AmountRefunded = null);
