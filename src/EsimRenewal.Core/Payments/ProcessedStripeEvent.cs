namespace EsimRenewal.Core.Payments;

/// <summary>
/// A Stripe event whose effect has been applied. Written in the same transaction as the effect, so
/// a repeated delivery finds it and changes nothing.
/// </summary>
public sealed class ProcessedStripeEvent
{
    public const int IdMaxLength = 255;
    public const int TypeMaxLength = 100;

    private ProcessedStripeEvent()
    {
    }

    public ProcessedStripeEvent(string eventId, string type, DateTimeOffset processedAt)
    {
        EventId = eventId;
        Type = type;
        ProcessedAt = processedAt;
    }

    public string EventId { get; private set; } = "";
    public string Type { get; private set; } = "";
    public DateTimeOffset ProcessedAt { get; private set; }

    /// <summary>The order it was about, once found: the order's payment timeline.</summary>
    public Guid? OrderId { get; private set; }

    /// <summary>For a refund event: how much of the charge was refunded by then (partial refunds made in Stripe show here).</summary>
    public long? AmountRefunded { get; private set; }
}
