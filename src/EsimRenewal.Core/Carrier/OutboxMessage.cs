namespace EsimRenewal.Core.Carrier;

/// <summary>
/// A message to the carrier network, written in the same transaction as the change it reports and
/// delivered later by the outbox worker with retries.
/// </summary>
public sealed class OutboxMessage
{
    public const int TypeMaxLength = 100;
    public const int ErrorMaxLength = 2000;

    private OutboxMessage()
    {
    }

    public OutboxMessage(string type, string payloadJson, Guid? orderId, DateTimeOffset now)
    {
        Type = type;
        Payload = payloadJson;
        OrderId = orderId;
        CreatedAt = now;
        AvailableAt = now;
    }

    public long Id { get; private set; }
    public string Type { get; private set; } = "";

    /// <summary>The order whose change this reports (its carrier delivery state on the admin's order page).</summary>
    public Guid? OrderId { get; private set; }

    /// <summary>JSON (jsonb). Never holds codes, PINs or activation secrets.</summary>
    public string Payload { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Not delivered before this time (back-off after a failure).</summary>
    public DateTimeOffset AvailableAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset? DeliveredAt { get; private set; }
    public string? LastError { get; private set; }

    public void MarkDelivered(DateTimeOffset now)
    {
        Attempts++;
        DeliveredAt = now;
        LastError = null;
    }

    public void MarkFailed(string error, TimeSpan retryAfter, DateTimeOffset now)
    {
        Attempts++;
        LastError = error.Length > ErrorMaxLength ? error[..ErrorMaxLength] : error;
        AvailableAt = now + retryAfter;
    }
}
