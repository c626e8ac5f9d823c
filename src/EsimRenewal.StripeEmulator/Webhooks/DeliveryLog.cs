using System.Collections.Concurrent;

namespace EsimRenewal.StripeEmulator.Webhooks;

/// <summary>One attempt to deliver one event: the receiver's status code, or the connection error.</summary>
public sealed record DeliveryAttempt(
    string EventId,
    string EventType,
    int Attempt,
    DateTimeOffset At,
    int? StatusCode,
    string? Error)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

public sealed class DeliveryLog
{
    private const int Capacity = 5000;
    private readonly ConcurrentQueue<DeliveryAttempt> _attempts = new();

    public void Add(DeliveryAttempt attempt)
    {
        _attempts.Enqueue(attempt);
        while (_attempts.Count > Capacity && _attempts.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<DeliveryAttempt> Snapshot() => _attempts.ToArray();

    public void Clear() => _attempts.Clear();
}
