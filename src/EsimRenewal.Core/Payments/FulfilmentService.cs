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

    /// <summary>
    /// The session is not the order's, or is in another currency or amount: nothing was changed (not even
    /// the event recorded), and the mismatch was logged as critical.
    /// </summary>
    Rejected,
}

/// <summary>
/// The one idempotent fulfilment. Called by the webhook (with the event id), the success page and the
/// reconciliation job (with a session retrieved from the provider). Safe when they run at once and
/// when events repeat or arrive out of order:
/// - the event id is recorded in the same transaction as its effect (a repeat finds it);
/// - the order row is locked (FOR UPDATE) while its state moves, so one caller fulfils it;
/// - order states only move forward, so a stale event changes nothing;
/// - a session that is not the order's own, in yen, for the order's amount changes nothing at all.
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
        db.Database.AutoSavepointsEnabled = false; // a failed save ends the use case: no savepoint round trips
        var now = clock.GetUtcNow();
        var recorded = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO processed_stripe_events (event_id, type, processed_at) VALUES ({paymentEvent.EventId}, {paymentEvent.Kind.ToString()}, {now}) ON CONFLICT (event_id) DO NOTHING",
            ct);
        if (recorded == 0)
        {
            return FulfilmentResult.Duplicate;
        }
        var (result, orderId) = await ApplyLockedAsync(paymentEvent.Kind, paymentEvent.Session, paymentEvent.PaymentIntentId, paymentEvent.FullyRefunded, currentView: false, ct);
        if (result == FulfilmentResult.Rejected)
        {
            await transaction.RollbackAsync(ct);
            return result;
        }
        await db.SaveChangesAsync(ct);
        // The event joins its order's payment timeline.
        await db.Database.ExecuteSqlAsync(
            $"UPDATE processed_stripe_events SET order_id = {orderId}, amount_refunded = {paymentEvent.AmountRefunded?.Amount} WHERE event_id = {paymentEvent.EventId}",
            ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// Applies the provider's current view of a session (success page, reconciliation). Being current, it
    /// may also close a konbini order whose slip is past its deadline and grace period, still unpaid.
    /// </summary>
    public async Task<FulfilmentResult> ApplySessionAsync(CheckoutSession session, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var kind = session.Status == CheckoutStatus.Expired ? PaymentEventKind.CheckoutExpired : PaymentEventKind.CheckoutCompleted;
        var result = session.Status == CheckoutStatus.Open
            ? await AttachOnlyAsync(session, ct)
            : (await ApplyLockedAsync(kind, session, session.PaymentIntentId, fullyRefunded: false, currentView: true, ct)).Result;
        if (result == FulfilmentResult.Rejected)
        {
            await transaction.RollbackAsync(ct);
            return result;
        }
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
        if (Mismatch(order, session) is { } mismatch)
        {
            logger.LogCritical("Open session {SessionId} names order {OrderId} but was rejected: {Mismatch}. Nothing was changed", session.Id, order.Id, mismatch);
            return FulfilmentResult.Rejected;
        }
        if (order.CheckoutSessionId is null)
        {
            order.AttachCheckoutSession(session.Id);
        }
        return FulfilmentResult.Applied;
    }

    private async Task<(FulfilmentResult Result, Guid? OrderId)> ApplyLockedAsync(
        PaymentEventKind kind, CheckoutSession? session, string? paymentIntentId, bool fullyRefunded, bool currentView, CancellationToken ct)
    {
        if (await LockOrderAsync(session?.OrderId, kind == PaymentEventKind.ChargeRefunded ? paymentIntentId : null, ct) is not { } order)
        {
            logger.LogWarning("Payment event {EventKind} matches no order", kind);
            return (FulfilmentResult.UnknownOrder, null);
        }
        if (session is not null && Mismatch(order, session) is { } mismatch)
        {
            logger.LogCritical(
                "Payment event {EventKind} for order {OrderId} was rejected: {Mismatch} (session {SessionId}, {Currency} {SessionAmount}; "
                + "the order's session {OrderSessionId}, jpy {OrderAmount}). Nothing was changed",
                kind, order.Id, mismatch, session.Id, session.Currency, session.AmountTotal.Amount, order.CheckoutSessionId, order.Amount.Amount);
            return (FulfilmentResult.Rejected, order.Id);
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
                if (order.MarkPaid(session.PaymentIntentId, now) || order.State == OrderState.Paid)
                {
                    await FulfilAsync(order, now, ct);
                }
                break;
            case PaymentEventKind.CheckoutCompleted when session!.Status == CheckoutStatus.Complete:
                // Complete but unpaid: an asynchronous method, and konbini is the only one offered. The slip's
                // deadline is the payment's own when the provider says it, else estimated from our setting.
                order.RecordPaymentDetails(KonbiniPaymentMethod, null);
                order.AwaitAsyncPayment(session.PaymentIntentId, session.AsyncPaymentDeadline ?? Common.Jst.EndOfDay(now.AddDays(payments.Value.KonbiniExpiresAfterDays)));
                if (session.AsyncPaymentDeadline is { } deadline)
                {
                    order.RecordAsyncPaymentDeadline(deadline);
                }
                if (currentView && order.IsAsyncPaymentOverdue(now, payments.Value.KonbiniGracePeriod) && order.MarkExpired(now))
                {
                    // The provider, asked now, still has it unpaid, and the store stopped taking it long ago:
                    // the failure event was lost.
                    logger.LogInformation("Order {OrderId}: the konbini slip was not paid by {Deadline}; expired", order.Id, order.AsyncPaymentDeadline);
                }
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

    /// <summary>Why a session cannot be this order's, or null when it is: its own session, in yen, for its amount.</summary>
    private static string? Mismatch(Order order, CheckoutSession session)
    {
        if (order.CheckoutSessionId is { } own && own != session.Id)
        {
            return "the session is not the order's";
        }
        if (!string.Equals(session.Currency, Common.Yen.CurrencyCode, StringComparison.OrdinalIgnoreCase))
        {
            return "the currency is not jpy";
        }
        return session.AmountTotal != order.Amount ? "the amount is not the order's" : null;
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
        order.RecordRollBack(sim.ExpiresAt!.Value);
        db.OutboxMessages.Add(CarrierOutbox.ValidityChanged("refund:" + order.Id, sim, order.Id, now));
        AuditLog.Record(db, Actor.System, "order.refund-rolled-back", nameof(Sim), sim.Id.ToString(),
            new { orderId = order.Id, expiresAt = before }, new { orderId = order.Id, expiresAt = sim.ExpiresAt }, now);
        logger.LogInformation("Order {OrderId} refunded: SIM {SimId} rolled back from {Before} to {After}", order.Id, simId, before, sim.ExpiresAt);
    }

    private async Task FulfilAsync(Order order, DateTimeOffset now, CancellationToken ct)
    {
        if (order.Kind == OrderKind.NewEsim && order.UserId is null)
        {
            // Paid after its buyer deleted their account (a konbini slip, or a checkout the provider could not close):
            // an eSIM with no owner and no email could never be installed by anyone. It stays Paid, for a refund.
            logger.LogWarning("Order {OrderId} for a new eSIM was paid after its account was deleted: no eSIM issued; refund it", order.Id);
            return;
        }
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
