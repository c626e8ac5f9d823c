using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Payments;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EsimRenewal.Core.Orders;

/// <summary>What refunding an order will do, shown before the admin confirms.</summary>
/// <param name="RollsBackTo">The SIM's expiry after the refund; null when the renewal is in use (validity stays).</param>
public sealed record RefundPreview(Guid OrderId, long Number, Yen Amount, RefundRefusal? Refusal, bool Requested, DateTimeOffset? CurrentExpiresAt, DateTimeOffset? RollsBackTo);

public enum RefundStatus
{
    /// <summary>The provider accepted the refund; the order becomes Refunded when it confirms (charge.refunded).</summary>
    Requested,
    Refused,

    /// <summary>The provider could not be reached or refused; the request is kept and can be sent again.</summary>
    ProviderFailed,
}

public sealed record RefundResult(RefundStatus Status, RefundRefusal? Refusal = null, string? ProviderMessage = null);

/// <summary>
/// Full refunds asked for by an admin, through the payment provider. The request is recorded (and
/// audited) before the provider is called, with an idempotency key derived from the order, so a double
/// click, a retry or two admins at once make one refund. The order becomes Refunded, and the SIM gives
/// back an unused renewal, when the provider confirms (<see cref="FulfilmentService"/>, charge.refunded).
/// </summary>
public sealed class RefundService(EsimDbContext db, IPaymentGateway gateway, TimeProvider clock, ILogger<RefundService> logger)
{
    /// <summary>What refunding <paramref name="order"/> would do now (for the confirmation on the admin's order page).</summary>
    internal static RefundPreview Preview(Order order, Sim? sim, DateTimeOffset now) =>
        new(order.Id, order.Number, order.Amount, order.RefundRefusal, order.RefundRequestedAt is not null, sim?.ExpiresAt, RollsBackTo(order, sim, now));

    public async Task<RefundResult> RefundAsync(Guid orderId, string reason, Actor admin, CancellationToken ct = default)
    {
        RefundRequest request;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Locked: a second click or a second admin waits here, then sees the request already made.
            var order = await db.Orders.FromSql($"SELECT *, xmin FROM orders WHERE id = {orderId} FOR UPDATE").SingleOrDefaultAsync(ct);
            if (order is null)
            {
                return new RefundResult(RefundStatus.Refused, RefundRefusal.NotPaid);
            }
            if (order.RefundRefusal is { } refusal)
            {
                // A second click that finds the refund already asked for (and accepted, or confirmed) gets the first click's answer.
                return refusal == RefundRefusal.AlreadyRefunded && order.RefundRequestedAt is not null
                    ? new RefundResult(RefundStatus.Requested)
                    : new RefundResult(RefundStatus.Refused, refusal);
            }
            var now = clock.GetUtcNow();
            var sim = order.SimId is { } simId ? await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId, ct) : null;
            var rollsBackTo = RollsBackTo(order, sim, now);
            if (order.RequestRefund(reason, admin.UserId ?? "", rollsBackTo is not null, now))
            {
                AuditLog.Record(db, admin, "order.refund-requested", nameof(Order), order.Id.ToString(),
                    new { state = order.State.ToString(), simExpiresAt = sim?.ExpiresAt },
                    new { reason = order.RefundReason, amount = order.Amount.Amount, rollsBackTo }, now);
                await db.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
            request = new RefundRequest(order.Id, order.Number, order.PaymentIntentId!, order.Amount, "refund:" + order.Id.ToString("N"));
        }

        string? refundId;
        try
        {
            refundId = await gateway.RefundAsync(request, ct);
        }
        catch (PaymentProviderException ex)
        {
            logger.LogWarning("Refund of order {OrderId} refused by the provider: {Code}", orderId, ex.Code);
            return new RefundResult(RefundStatus.ProviderFailed, ProviderMessage: ex.Message);
        }
        if (refundId is not null)
        {
            await db.Orders.Where(o => o.Id == orderId && o.RefundId == null).ExecuteUpdateAsync(o => o.SetProperty(x => x.RefundId, refundId), ct);
        }
        logger.LogInformation("Refund {RefundId} of order {OrderId} accepted by the provider", refundId, orderId);
        return new RefundResult(RefundStatus.Requested);
    }

    private static DateTimeOffset? RollsBackTo(Order order, Sim? sim, DateTimeOffset now) =>
        order.NewExpiresAt is { } renewedTo && sim?.ExpiresAt is { } current
            ? RenewalRollback.ExpiryAfterRefund(order.PreviousExpiresAt, renewedTo, current, now)
            : null;
}
