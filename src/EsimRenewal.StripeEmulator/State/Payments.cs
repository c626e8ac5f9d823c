namespace EsimRenewal.StripeEmulator.State;

public static class PaymentIntentStatus
{
    public const string RequiresAction = "requires_action";
    public const string RequiresPaymentMethod = "requires_payment_method";
    public const string Succeeded = "succeeded";
}

/// <summary>The konbini payment slip: what the customer reads out at the till, and until when.</summary>
public sealed record KonbiniVoucher(string PaymentCode, string ConfirmationNumber, DateTimeOffset ExpiresAt);

/// <summary>How a card was described once paid: never the number itself.</summary>
public sealed record CardSummary(string Brand, string Last4, int ExpMonth, int ExpYear);

public sealed class PaymentIntent
{
    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required string SessionId { get; init; }

    public required string PaymentMethodType { get; init; }

    public required string PaymentMethodId { get; init; }

    public required string Status { get; set; }

    public string? ChargeId { get; set; }

    public KonbiniVoucher? Konbini { get; init; }

    public CardSummary? Card { get; init; }

    public long AmountReceived => Status == PaymentIntentStatus.Succeeded ? Amount : 0;
}

public sealed class Charge
{
    public required string Id { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required string PaymentIntentId { get; init; }

    public required string PaymentMethodId { get; init; }

    public required string PaymentMethodType { get; init; }

    public required string BillingEmail { get; init; }

    public CardSummary? Card { get; init; }

    public long AmountRefunded { get; private set; }

    public bool Refunded => AmountRefunded == Amount;

    public long Refundable => Amount - AmountRefunded;

    public void Refund(long amount)
    {
        if (amount <= 0 || amount > Refundable)
        {
            throw new InvalidOperationException($"Cannot refund {amount} of charge {Id}; {Refundable} is refundable.");
        }

        AmountRefunded += amount;
    }
}

public sealed record Refund(
    string Id,
    DateTimeOffset Created,
    long Amount,
    string Currency,
    string ChargeId,
    string PaymentIntentId,
    string? Reason,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>An event as it was sent: its JSON is frozen when it happens.</summary>
public sealed record StoredEvent(string Id, long Sequence, DateTimeOffset Created, string Type, string Json);
