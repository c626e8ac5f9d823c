using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Core.Payments;

public enum FulfilmentResult
{
    /// <summary>The event or session was applied (possibly changing nothing: a late or stale update).</summary>
    Applied,

    /// <summary>The event had been processed before; nothing was done.</summary>
    Duplicate,

    /// <summary>No order of ours matches; recorded and ignored.</summary>
    UnknownOrder,
}

/// <summary>
/// The one idempotent fulfilment. Called by the webhook (with the event id), the success page and the
/// reconciliation job (with a session retrieved from the provider). Safe when they run at once and
/// when events repeat or arrive out of order:
/// - the event id is recorded in the same transaction as its effect (a repeat finds it);
/// - the order row is locked (FOR UPDATE) while its state moves, so one caller fulfils it;
/// - order states only move forward, so a stale event changes nothing.
/// </summary>
public sealed class FulfilmentService(
    EsimDbContext db,
    EsimAllocator allocator,
    IOptions<EsimOptions> esim,
    IOptions<PaymentOptions> payments,
    TimeProvider clock,
    ILogger<FulfilmentService> logger)
{
    private const string KonbiniPaymentMethod = "konbini";

    public async Task<FulfilmentResult> ApplyEventAsync(PaymentEvent paymentEvent, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var recorded = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO processed_stripe_events (event_id, type, processed_at) VALUES ({paymentEvent.EventId}, {paymentEvent.Kind.ToString()}, {now}) ON CONFLICT (event_id) DO NOTHING",
            ct);
        if (recorded == 0)
        {
            return FulfilmentResult.Duplicate;
        }
        var (result, orderId) = await ApplyLockedAsync(paymentEvent.Kind, paymentEvent.Session, paymentEvent.PaymentIntentId, paymentEvent.FullyRefunded, ct);
        await db.SaveChangesAsync(ct);
        // The event joins its order's payment timeline.
        await db.Database.ExecuteSqlAsync(
            $"UPDATE processed_stripe_events SET order_id = {orderId}, amount_refunded = {paymentEvent.AmountRefunded?.Amount} WHERE event_id = {paymentEvent.EventId}",
            ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>Applies the provider's current view of a session (success page, reconciliation).</summary>
    public async Task<FulfilmentResult> ApplySessionAsync(CheckoutSession session, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var kind = session.Status == CheckoutStatus.Expired ? PaymentEventKind.CheckoutExpired : PaymentEventKind.CheckoutCompleted;
        var result = session.Status == CheckoutStatus.Open
            ? await AttachOnlyAsync(session, ct)
            : (await ApplyLockedAsync(kind, session, session.PaymentIntentId, fullyRefunded: false, ct)).Result;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    private async Task<FulfilmentResult> AttachOnlyAsync(CheckoutSession session, CancellationToken ct)
    {
        if (await LockOrderAsync(session.OrderId, null, ct) is not { } order)
        {
            return FulfilmentResult.UnknownOrder;
        }
        if (order.CheckoutSessionId is null)
        {
            order.AttachCheckoutSession(session.Id);
        }
        return FulfilmentResult.Applied;
    }

    private async Task<(FulfilmentResult Result, Guid? OrderId)> ApplyLockedAsync(PaymentEventKind kind, CheckoutSession? session, string? paymentIntentId, bool fullyRefunded, CancellationToken ct)
    {
        if (await LockOrderAsync(session?.OrderId, kind == PaymentEventKind.ChargeRefunded ? paymentIntentId : null, ct) is not { } order)
        {
            logger.LogWarning("Payment event {EventKind} matches no order", kind);
            return (FulfilmentResult.UnknownOrder, null);
        }
        var now = clock.GetUtcNow();
        if (session is not null && order.CheckoutSessionId is null)
        {
            order.AttachCheckoutSession(session.Id);
        }
        if (session is not null)
        {
            order.RecordPaymentDetails(session.PaymentMethodType, session.CustomerEmail);
        }
        switch (kind)
        {
            case PaymentEventKind.CheckoutCompleted or PaymentEventKind.AsyncPaymentSucceeded when session!.PaymentStatus == CheckoutPaymentStatus.Paid:
                if (session.AmountTotal != order.Amount)
                {
                    logger.LogCritical("Order {OrderId} was paid {Paid} but costs {Amount}; not fulfilled", order.Id, session.AmountTotal.Amount, order.Amount.Amount);
                    break;
                }
                if (order.MarkPaid(session.PaymentIntentId, now) || order.State == OrderState.Paid)
                {
                    await FulfilAsync(order, now, ct);
                }
                break;
            case PaymentEventKind.CheckoutCompleted when session!.Status == CheckoutStatus.Complete:
                // Complete but unpaid: an asynchronous method, and konbini is the only one offered.
                order.RecordPaymentDetails(KonbiniPaymentMethod, null);
                order.AwaitAsyncPayment(session.PaymentIntentId, Common.Jst.EndOfDay(now.AddDays(payments.Value.KonbiniExpiresAfterDays)));
                break;
            case PaymentEventKind.AsyncPaymentFailed:
                order.MarkFailed(now);
                break;
            case PaymentEventKind.CheckoutExpired:
                order.MarkExpired(now);
                break;
            case PaymentEventKind.ChargeRefunded when fullyRefunded:
                var fulfilled = order.State == OrderState.Fulfilled;
                if (order.MarkRefunded(now) && fulfilled)
                {
                    await RollBackIfUnusedAsync(order, now, ct);
                }
                break;
        }
        logger.LogInformation("Order {OrderId} is {OrderState} after {EventKind}", order.Id, order.State, kind);
        return (FulfilmentResult.Applied, order.Id);
    }

    /// <summary>
    /// A refunded renewal that had not begun gives its days back (as decided when the refund was asked
    /// for; for a refund made in the Stripe dashboard, decided now). The carrier is told; the change is audited.
    /// </summary>
    private async Task RollBackIfUnusedAsync(Order order, DateTimeOffset now, CancellationToken ct)
    {
        if (order.SimId is not { } simId || order.NewExpiresAt is not { } renewedTo || order.RefundRollsBack == false)
        {
            return;
        }
        var sim = await db.Sims.FromSql($"SELECT *, xmin FROM sims WHERE id = {simId} FOR UPDATE").SingleAsync(ct);
        var plan = await db.PlanVersions.AsNoTracking().SingleAsync(v => v.Id == order.PlanVersionId, ct);
        var before = sim.ExpiresAt;
        if (!sim.RollBackRenewal(order.PreviousExpiresAt, renewedTo, plan.DataMb, now))
        {
            logger.LogInformation("Order {OrderId} refunded; its renewal is in use, so SIM {SimId} keeps its validity", order.Id, simId);
            return;
        }
        db.OutboxMessages.Add(CarrierOutbox.ValidityChanged("refund:" + order.Id, sim, order.Id, now));
        AuditLog.Record(db, Actor.System, "order.refund-rolled-back", nameof(Sim), sim.Id.ToString(),
            new { orderId = order.Id, expiresAt = before }, new { orderId = order.Id, expiresAt = sim.ExpiresAt }, now);
        logger.LogInformation("Order {OrderId} refunded: SIM {SimId} rolled back from {Before} to {After}", order.Id, simId, before, sim.ExpiresAt);
    }

    private async Task FulfilAsync(Order order, DateTimeOffset now, CancellationToken ct)
    {
        var plan = await db.PlanVersions.SingleAsync(v => v.Id == order.PlanVersionId, ct);
        Sim sim;
        if (order.Kind == OrderKind.NewEsim)
        {
            sim = await allocator.AllocateAsync(esim.Value.SmdpAddress, order.UserId!, order.Email, now, ct);
            db.Sims.Add(sim);
            order.AttachNewSim(sim);
        }
        else
        {
            sim = await db.Sims.FromSql($"SELECT *, xmin FROM sims WHERE id = {order.SimId} FOR UPDATE").SingleAsync(ct);
        }
        var outcome = sim.ApplyRenewal(plan, now);
        order.MarkFulfilled(outcome, now);
        db.OutboxMessages.Add(CarrierOutbox.ValidityChanged("order:" + order.Id, sim, order.Id, now));
        await EmailOutbox.EnqueueConfirmationAsync(db, order, now, ct);
        logger.LogInformation("Order {OrderId} fulfilled: SIM {SimId} valid until {ExpiresAt}", order.Id, sim.Id, outcome.NewExpiresAt);
    }

    private async Task<Order?> LockOrderAsync(Guid? orderId, string? paymentIntentId, CancellationToken ct)
    {
        if (orderId is { } id)
        {
            return await db.Orders.FromSql($"SELECT *, xmin FROM orders WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
        }
        if (paymentIntentId is not null)
        {
            return await db.Orders.FromSql($"SELECT *, xmin FROM orders WHERE payment_intent_id = {paymentIntentId} FOR UPDATE").FirstOrDefaultAsync(ct);
        }
        return null;
    }
}
