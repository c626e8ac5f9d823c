using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Core.Payments;

/// <summary>
/// Asks the provider about orders still unpaid after a few minutes and applies what it says, so a
/// lost webhook or a crash between payment and fulfilment loses no payment. Orders whose session id
/// was never saved (a crash right after creating it) are found by listing recent sessions.
/// </summary>
public sealed class Reconciler(EsimDbContext db, IPaymentGateway gateway, FulfilmentService fulfilment, IOptions<PaymentOptions> options, TimeProvider clock, ILogger<Reconciler> logger)
{
    /// <summary>Orders never sent to checkout are cancelled after this long.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromHours(2);

    private static readonly TimeSpan ClockSkewMargin = TimeSpan.FromHours(1);

    public async Task<int> ReconcileAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - options.Value.ReconcileAfter;
        // Not forever: the provider is no longer asked about an order it could not settle a fixed time after
        // its konbini deadline (or its creation, without one). Settled orders leave these states by themselves;
        // orders that never reached checkout are cancelled below.
        var givenUp = now - options.Value.ReconcileGiveUpAfter;
        var pending = await db.Orders.AsNoTracking()
            .Where(o => (o.State == OrderState.PendingPayment || o.State == OrderState.AwaitingAsyncPayment) && o.CreatedAt <= cutoff)
            .Where(o => o.CheckoutSessionId == null || (o.AsyncPaymentDeadline == null ? o.CreatedAt > givenUp : o.AsyncPaymentDeadline > givenUp))
            .Select(o => new { o.Id, o.CreatedAt, o.CheckoutSessionId })
            .ToListAsync(ct);
        var applied = 0;
        foreach (var order in pending.Where(o => o.CheckoutSessionId is not null))
        {
            CheckoutSession session;
            try
            {
                session = await gateway.GetCheckoutSessionAsync(order.CheckoutSessionId!, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One order the provider cannot answer about must not hold up the others.
                logger.LogWarning(ex, "Could not ask the payment provider about order {OrderId}; trying again later", order.Id);
                continue;
            }
            await fulfilment.ApplySessionAsync(session, ct);
            applied++;
        }
        var withoutSession = pending.Where(o => o.CheckoutSessionId is null).ToDictionary(o => o.Id);
        if (withoutSession.Count > 0)
        {
            // A generous margin: the provider's clock and ours need not agree to the second.
            var since = withoutSession.Values.Min(o => o.CreatedAt) - ClockSkewMargin;
            await foreach (var session in gateway.ListCheckoutSessionsAsync(since, ct))
            {
                if (session.OrderId is { } id && withoutSession.Remove(id))
                {
                    await fulfilment.ApplySessionAsync(session, ct);
                    applied++;
                }
            }
            await CancelAbandonedAsync(withoutSession.Values.Where(o => o.CreatedAt <= now - AbandonedAfter).Select(o => o.Id).ToList(), now, ct);
        }
        if (applied > 0)
        {
            logger.LogInformation("Reconciled {Count} unpaid orders with the payment provider", applied);
        }
        return applied;
    }

    private async Task CancelAbandonedAsync(IReadOnlyList<Guid> orderIds, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var id in orderIds)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var order = await db.Orders.FromSql($"SELECT *, xmin FROM orders WHERE id = {id} FOR UPDATE").SingleAsync(ct);
            if (order.CheckoutSessionId is null && order.Cancel(now))
            {
                logger.LogInformation("Order {OrderId} never reached checkout and was cancelled", id);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
    }
}
