using System.Collections.Concurrent;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>One /v1 request as it arrived on the wire (never the Authorization header).</summary>
public sealed record LoggedRequest(
    long Sequence,
    DateTimeOffset ReceivedAt,
    string Method,
    string Path,
    string Query,
    string Body,
    string? IdempotencyKey);

/// <summary>The most recent /v1 requests, so tests can prove what reached "Stripe" (¥1500 as <c>unit_amount=1500</c>).</summary>
public sealed class RequestLog
{
    private const int Capacity = 2000;
    private readonly ConcurrentQueue<LoggedRequest> _requests = new();
    private long _sequence;

    public void Add(string method, string path, string query, string body, string? idempotencyKey, DateTimeOffset now)
    {
        _requests.Enqueue(new LoggedRequest(
            Interlocked.Increment(ref _sequence), now, method, path, query, body, idempotencyKey));
        while (_requests.Count > Capacity && _requests.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<LoggedRequest> Snapshot() => _requests.ToArray();

    public void Clear() => _requests.Clear();
}
