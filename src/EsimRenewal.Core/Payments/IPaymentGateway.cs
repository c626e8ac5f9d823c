using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Payments;

/// <summary>What the portal asks the payment provider for: a hosted checkout for one order.</summary>
public sealed record CheckoutRequest(
    Guid OrderId,
    long OrderNumber,
    string IdempotencyKey,
    string ProductName,
    string ProductDescription,
    Yen Amount,
    string CustomerEmail,
    string Locale,
    string SuccessUrl,
    string CancelUrl);

public enum CheckoutStatus
{
    Open,
    Complete,
    Expired,
}

public enum CheckoutPaymentStatus
{
    Unpaid,
    Paid,
    NoPaymentRequired,
}

/// <summary>A provider's checkout session, as far as the portal cares.</summary>
/// <param name="Currency">The session's currency as the provider writes it (<c>jpy</c>).</param>
/// <param name="PaymentMethodType">How it was paid (<c>card</c>, <c>alipay</c>, <c>konbini</c>…), once known.</param>
/// <param name="CustomerEmail">The email the customer gave at checkout (receipts of phone-only and guest orders go there).</param>
/// <param name="AsyncPaymentDeadline">
/// For a konbini slip not yet paid: until when the store takes the payment, as the provider's payment
/// says (Stripe: the payment intent's <c>next_action.konbini_display_details.expires_at</c>).
/// </param>
public sealed record CheckoutSession(
    string Id,
    Guid? OrderId,
    string? Url,
    CheckoutStatus Status,
    CheckoutPaymentStatus PaymentStatus,
    Yen AmountTotal,
    string Currency,
    string? PaymentIntentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    string? PaymentMethodType = null,
    string? CustomerEmail = null,
    DateTimeOffset? AsyncPaymentDeadline = null);

/// <summary>A full refund of an order's payment; the same idempotency key always makes one refund.</summary>
public sealed record RefundRequest(Guid OrderId, long OrderNumber, string PaymentIntentId, Yen Amount, string IdempotencyKey);

/// <summary>The provider refused a request (its code and message, for the log and the admin).</summary>
public sealed class PaymentProviderException(string message, string? code, Exception? inner = null) : Exception(message, inner)
{
    public string? Code { get; } = code;
}

/// <summary>The payment provider (Stripe, or the local emulator speaking its API).</summary>
public interface IPaymentGateway
{
    /// <summary>Creates the hosted checkout; the same idempotency key always returns the same session.</summary>
    Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest request, CancellationToken ct = default);

    /// <summary>The session as the provider sees it now, with how it was paid and the customer's email.</summary>
    Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken ct = default);

    /// <summary>
    /// Closes an open checkout so it can no longer be paid, and returns the session as it is then: a
    /// session that was no longer open (paid or expired meanwhile) is returned unchanged instead of failing;
    /// null when the provider has no such session (nothing can be paid through it).
    /// </summary>
    Task<CheckoutSession?> ExpireCheckoutSessionAsync(string sessionId, CancellationToken ct = default);

    /// <summary>
    /// Refunds the payment in full; returns the refund's id. A payment already refunded in full answers
    /// with null instead of failing. Other refusals throw <see cref="PaymentProviderException"/>.
    /// </summary>
    Task<string?> RefundAsync(RefundRequest request, CancellationToken ct = default);

    /// <summary>Every checkout session created at or after <paramref name="since"/>, for reconciliation.</summary>
    IAsyncEnumerable<CheckoutSession> ListCheckoutSessionsAsync(DateTimeOffset since, CancellationToken ct = default);
}
