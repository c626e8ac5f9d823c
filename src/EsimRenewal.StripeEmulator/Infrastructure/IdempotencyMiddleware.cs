using System.Collections.Concurrent;

namespace EsimRenewal.StripeEmulator.Infrastructure;

/// <summary>A response kept for replay under its idempotency key.</summary>
public sealed record StoredResponse(int StatusCode, string? ContentType, byte[] Body, string RequestId);

/// <summary>
/// Requests seen per (API key, Idempotency-Key). The first request with a key runs; any other request
/// with the same key waits for it and then replays its response, or is refused when its method, path
/// or body differ. Like Stripe, a request refused as invalid (4xx) is not kept, so the key stays usable.
/// </summary>
public sealed class IdempotencyCache
{
    private readonly ConcurrentDictionary<(string ApiKey, string Key), Entry> _entries = new();

    public sealed class Entry(string fingerprint, DateTimeOffset createdAt)
    {
        public string Fingerprint { get; } = fingerprint;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public TaskCompletionSource<StoredResponse?> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Entry GetOrAdd((string ApiKey, string Key) key, Entry candidate) => _entries.GetOrAdd(key, candidate);

    public void Remove((string ApiKey, string Key) key, Entry entry) =>
        _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));

    /// <summary>Stripe keeps keys for 24 hours.</summary>
    public void RemoveOlderThan(DateTimeOffset cutoff)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.CreatedAt < cutoff && entry.Completion.Task.IsCompleted)
            {
                Remove(key, entry);
            }
        }
    }

    public void Clear() => _entries.Clear();
}

public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyCache cache, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var api = ApiRequest.Of(context);
        if (!HttpMethods.IsPost(context.Request.Method) || string.IsNullOrEmpty(api.IdempotencyKey))
        {
            await next(context);
            return;
        }

        var key = (api.ApiKey, api.IdempotencyKey);
        var fingerprint = $"{context.Request.Method} {context.Request.Path}\n{api.RawParameters}";
        while (true)
        {
            var mine = new IdempotencyCache.Entry(fingerprint, time.GetUtcNow());
            var entry = cache.GetOrAdd(key, mine);
            if (entry == mine)
            {
                await RunFirstAsync(context, key, mine);
                return;
            }

            if (entry.Fingerprint != fingerprint)
            {
                throw new StripeApiException(
                    StatusCodes.Status400BadRequest,
                    "idempotency_error",
                    "Keys for idempotent requests can only be used with the same parameters they were first used with. " +
                    $"Try using a key other than '{api.IdempotencyKey}' if you meant to execute a different request.");
            }

            var stored = await entry.Completion.Task.WaitAsync(context.RequestAborted);
            if (stored is null)
            {
                continue; // the first one was refused and not kept: this request runs afresh
            }

            context.Response.StatusCode = stored.StatusCode;
            context.Response.ContentType = stored.ContentType;
            context.Response.Headers["Idempotent-Replayed"] = "true";
            context.Response.Headers["Original-Request"] = stored.RequestId;
            context.Response.Headers["Idempotency-Key"] = api.IdempotencyKey;
            await context.Response.Body.WriteAsync(stored.Body, context.RequestAborted);
            return;
        }
    }

    private async Task RunFirstAsync(HttpContext context, (string, string) key, IdempotencyCache.Entry mine)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        StoredResponse? stored = null;
        try
        {
            await next(context);
            var status = context.Response.StatusCode;
            if (status is < 400 or >= 500)
            {
                stored = new StoredResponse(status, context.Response.ContentType, buffer.ToArray(), ApiRequest.Of(context).RequestId);
            }
        }
        finally
        {
            context.Response.Body = original;
            if (stored is null)
            {
                cache.Remove(key, mine);
            }

            mine.Completion.TrySetResult(stored);
        }

        context.Response.Headers["Idempotency-Key"] = ApiRequest.Of(context).IdempotencyKey;
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }
}
