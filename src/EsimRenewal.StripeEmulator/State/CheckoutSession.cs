namespace EsimRenewal.StripeEmulator.State;

public static class SessionStatus
{
    public const string Open = "open";
    public const string Complete = "complete";
    public const string Expired = "expired";
}

public static class PaymentStatus
{
    public const string Unpaid = "unpaid";
    public const string Paid = "paid";
}

/// <summary>One line of a session, built from <c>price_data</c>; the price and product ids are made up on creation.</summary>
public sealed record SessionLineItem(
    string Id,
    string PriceId,
    string ProductId,
    string Name,
    string? Description,
    string Currency,
    long UnitAmount,
    long Quantity)
{
    public long Amount => UnitAmount * Quantity;
}

/// <summary>A Checkout Session and the transitions Stripe allows it.</summary>
public sealed class CheckoutSession
{
    public required string Id { get; init; }

    public required long Sequence { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<SessionLineItem> LineItems { get; init; }

    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>The methods offered: the account's eligible ones, narrowed by the request.</summary>
    public required IReadOnlyList<string> PaymentMethodTypes { get; init; }

    /// <summary>The request's <c>allowed_payment_method_types</c>, if it sent one.</summary>
    public IReadOnlyList<string>? AllowedPaymentMethodTypes { get; init; }

    public required string SuccessUrl { get; init; }

    public required string HostedUrl { get; init; }

    public string? CancelUrl { get; init; }

    public string? ClientReferenceId { get; init; }

    public string? CustomerEmail { get; init; }

    public string? Locale { get; init; }

    public string? WechatPayClient { get; init; }

    public long? KonbiniExpiresAfterDays { get; init; }

    public string Status { get; private set; } = SessionStatus.Open;

    public string PaymentStatus { get; private set; } = State.PaymentStatus.Unpaid;

    public string? PaymentIntentId { get; private set; }

    /// <summary>The email the customer paid with; known once the session is complete.</summary>
    public string? CustomerDetailsEmail { get; private set; }

    public long AmountTotal => LineItems.Sum(item => item.Amount);

    public bool IsOpen => Status == SessionStatus.Open;

    /// <summary>Payment succeeded (card, wallet) or was started (konbini: <paramref name="paid"/> false).</summary>
    public void Complete(string paymentIntentId, string email, bool paid)
    {
        EnsureOpen();
        Status = SessionStatus.Complete;
        PaymentStatus = paid ? State.PaymentStatus.Paid : State.PaymentStatus.Unpaid;
        PaymentIntentId = paymentIntentId;
        CustomerDetailsEmail = email;
    }

    /// <summary>The customer paid the konbini voucher at the store.</summary>
    public void MarkAsyncPaymentSucceeded()
    {
        if (Status != SessionStatus.Complete || PaymentStatus != State.PaymentStatus.Unpaid)
        {
            throw new InvalidOperationException($"Session {Id} has no pending asynchronous payment.");
        }

        PaymentStatus = State.PaymentStatus.Paid;
    }

    public void Expire()
    {
        EnsureOpen();
        Status = SessionStatus.Expired;
    }

    private void EnsureOpen()
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException($"Session {Id} is {Status}, not open.");
        }
    }
}
