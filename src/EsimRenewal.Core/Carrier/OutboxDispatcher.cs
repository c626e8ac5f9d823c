using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EsimRenewal.Core.Carrier;

/// <summary>
/// Delivers due outbox messages to the carrier. Rows are claimed with FOR UPDATE SKIP LOCKED inside a
/// transaction, so any number of portal instances can run this at once and no message is delivered
/// by two of them. A failure is retried later with exponential back-off.
/// </summary>
public sealed class OutboxDispatcher(EsimDbContext db, ICarrierGateway carrier, TimeProvider clock, ILogger<OutboxDispatcher> logger)
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);

    /// <summary>Delivers up to <paramref name="batchSize"/> due messages; returns how many were attempted.</summary>
    public async Task<int> DispatchAsync(int batchSize = 20, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var messages = await db.OutboxMessages
            .FromSql($"""
                SELECT * FROM outbox_messages
                WHERE delivered_at IS NULL AND available_at <= {now}
                ORDER BY id
                LIMIT {batchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
        foreach (var message in messages)
        {
            try
            {
                if (message.Type != SimValidityChanged.Type)
                {
                    throw new InvalidOperationException($"Unknown outbox message type {message.Type}.");
                }
                await carrier.ApplyValidityAsync(CarrierOutbox.ReadValidityChanged(message), ct);
                message.MarkDelivered(clock.GetUtcNow());
                logger.LogInformation("Outbox message {MessageId} delivered to the carrier", message.Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var delay = Backoff(message.Attempts + 1);
                message.MarkFailed(ex.Message, delay, clock.GetUtcNow());
                logger.LogWarning(ex, "Outbox message {MessageId} failed (attempt {Attempt}); retrying in {Delay}", message.Id, message.Attempts, delay);
            }
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return messages.Count;
    }

    /// <summary>5 s, 10 s, 20 s, ... up to 30 minutes.</summary>
    public static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, 5 * Math.Pow(2, Math.Min(attempt - 1, 20))));
}
