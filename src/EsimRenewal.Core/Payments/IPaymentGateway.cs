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
public sealed record CheckoutSession(
    string Id,
    Guid? OrderId,
    string? Url,
    CheckoutStatus Status,
    CheckoutPaymentStatus PaymentStatus,
    Yen AmountTotal,
    string? PaymentIntentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt);

/// <summary>The payment provider (Stripe, or the local emulator speaking its API).</summary>
public interface IPaymentGateway
{
    /// <summary>Creates the hosted checkout; the same idempotency key always returns the same session.</summary>
    Task<CheckoutSession> CreateCheckoutSessionAsync(CheckoutRequest request, CancellationToken ct = default);

    Task<CheckoutSession> GetCheckoutSessionAsync(string sessionId, CancellationToken ct = default);

    /// <summary>Every checkout session created at or after <paramref name="since"/>, for reconciliation.</summary>
    IAsyncEnumerable<CheckoutSession> ListCheckoutSessionsAsync(DateTimeOffset since, CancellationToken ct = default);
}
