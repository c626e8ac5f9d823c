using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace EsimRenewal.Core.Payments;

/// <summary>
/// A purchase request from a page. <see cref="RequestId"/> is minted when the page is rendered and
/// sent back with the form, so a double click or a retried POST is the same request.
/// <see cref="UserId"/> is null for a purchase without an account (quick renewal).
/// </summary>
public sealed record PurchaseRequest(string? UserId, Guid RequestId, string Culture, string StripeLocale, Func<Guid, (string Success, string Cancel)> ReturnUrls)
{
    public string SignedInUserId => UserId ?? throw new InvalidOperationException("This purchase needs a signed-in account.");
}

public enum CheckoutStartStatus
{
    /// <summary>Go to <see cref="CheckoutStart.Url"/> to pay.</summary>
    Pay,

    /// <summary>This request was already paid or closed: show the order instead of paying again.</summary>
    ShowOrder,

    NotFound,
    PlanNotAvailable,

    /// <summary>The payment provider could not be reached or refused: nothing was charged; try again.</summary>
    ProviderUnavailable,

    /// <summary>
    /// The buyer already has <see cref="PaymentOptions.MaxOpenCheckouts"/> unpaid checkouts open: finish or
    /// cancel one first (<see cref="CheckoutStart.OrderId"/> is the oldest).
    /// </summary>
    TooManyOpen,

    /// <summary>Another checkout step of the same buyer took longer than <see cref="PaymentOptions.BuyerLockWait"/>: nothing changed; try again.</summary>
    Busy,
}

public enum CancelOutcome
{
    Cancelled,

    /// <summary>Paid, closed or awaiting a konbini payment meanwhile: there is nothing to cancel.</summary>
    NotCancellable,
    NotFound,
    ProviderUnavailable,

    /// <summary>Another checkout step of the same buyer is in progress: nothing changed; try again.</summary>
    Busy,
}

public sealed record CheckoutStart(CheckoutStartStatus Status, Guid? OrderId = null, string? Url = null);

/// <summary>A plan a SIM can be renewed with, and what paying for it will do.</summary>
public sealed record RenewalOption(Guid PlanVersionId, string Code, LocalizedText Name, Yen Price, long? DataMb, int? DailyFairUseMb, int ValidityDays, RenewalPreview Preview);

public sealed record RenewalChoice(Guid SimId, string Iccid, SimKind Kind, DateTimeOffset? ExpiresAt, IReadOnlyList<RenewalOption> Options);

/// <summary>
/// Starts paid purchases: writes the order first, then creates the provider's checkout session with
/// an idempotency key derived from the order, so one request never makes two orders or two sessions.
/// Open checkouts are bounded per buyer (an account, or a SIM without one), under a lock per buyer: the
/// same purchase again (another tab, a lost request id, a bot) gets the open checkout it already has,
/// and beyond <see cref="PaymentOptions.MaxOpenCheckouts"/> the buyer is asked to finish or cancel one,
/// so a flood of requests reaches the provider a bounded number of times.
/// </summary>
public sealed class CheckoutService(EsimDbContext db, IPaymentGateway gateway, BuyerGates gates, IOptions<PaymentOptions> payments, TimeProvider clock, ILogger<CheckoutService> logger)
{
    /// <summary>Stripe's longest checkout: an unpaid order older than this has no open checkout left.</summary>
    private static readonly TimeSpan MaxCheckoutLifetime = TimeSpan.FromHours(24);

    /// <summary>The renewal page: the owner's SIM and the plans that fit it, each with its preview.</summary>
    public async Task<RenewalChoice?> GetRenewalChoiceAsync(string userId, Guid simId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return await ChoiceForAsync(simId, userId, ct);
    }

    /// <summary>Quick renewal: the plans for a SIM whose holder proved it (card PIN or a code sent to the eSIM's email).</summary>
    public Task<RenewalChoice?> GetVerifiedRenewalChoiceAsync(Guid simId, CancellationToken ct = default) => ChoiceForAsync(simId, ownerId: null, ct);

    /// <summary>The SIM (its owner's when <paramref name="ownerId"/> is given) and the plans on sale that fit it, in one round trip.</summary>
    private async Task<RenewalChoice?> ChoiceForAsync(Guid simId, string? ownerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        RenewalRow? sim = null;
        var options = new List<RenewalOption>();
        await foreach (var row in RenewalQueries.For(db)(db, simId, ownerId, now).WithCancellation(ct))
        {
            sim ??= row;
            if (row.Plan is { } p)
            {
                options.Add(new RenewalOption(p.Id, p.Code, p.Name, p.Price, p.DataMb, p.DailyFairUseMb, p.ValidityDays, RenewalRule.Preview(row.ExpiresAt, p.ValidityDays, now)));
            }
        }
        return sim is null ? null : new RenewalChoice(sim.Id, sim.Iccid, sim.Kind, sim.ExpiresAt, options);
    }

    /// <summary>One row of the renewal read: the SIM, with one plan that fits it (none when no plan does).</summary>
    private sealed record RenewalRow(Guid Id, string Iccid, SimKind Kind, DateTimeOffset? ExpiresAt, RenewablePlan? Plan);

    private sealed record RenewablePlan(Guid Id, string Code, LocalizedText Name, Yen Price, long? DataMb, int? DailyFairUseMb, int ValidityDays);

    /// <summary>
    /// The renewal page's read, compiled: the SIM joined to the plans on sale at <c>at</c> that fit its kind, a
    /// row per plan in storefront order (flat rows: a nested list would make EF build a delegate on every
    /// execution). The on-sale condition is <see cref="PlanVersion.OnSaleAt"/> written out (a compiled query
    /// cannot call the method that builds it); SIM kinds are stored by name, so "fits" lists the names. The plan's
    /// three names are read, not Plan.Name: projecting the complex property reads the plan's whole row.
    /// </summary>
    private static readonly CompiledPerModel<Func<EsimDbContext, Guid, string?, DateTimeOffset, IAsyncEnumerable<RenewalRow>>> RenewalQueries = new(() =>
        EF.CompileAsyncQuery((EsimDbContext db, Guid simId, string? ownerId, DateTimeOffset at) =>
            from s in db.Sims.AsNoTracking()
            where s.Id == simId && (ownerId == null || s.OwnerId == ownerId)
            from v in db.PlanVersions
                .Where(v => v.EffectiveFrom <= at
                    && !v.Plan.Versions.Any(later => later.EffectiveFrom <= at
                        && (later.EffectiveFrom > v.EffectiveFrom || (later.EffectiveFrom == v.EffectiveFrom && later.Number > v.Number))))
                .Where(v => v.Plan.IsActive)
                .Where(v => v.SimKinds == SimKinds.Both
                    || (s.Kind == SimKind.Physical && v.SimKinds == SimKinds.Physical)
                    || (s.Kind == SimKind.Esim && v.SimKinds == SimKinds.Esim))
                .DefaultIfEmpty()
            orderby v.Plan.SortOrder, v.ValidityDays, v.Id
            select new RenewalRow(s.Id, s.Iccid, s.Kind, s.ExpiresAt,
                v == null ? null : new RenewablePlan(v.Id, v.Plan.Code, new LocalizedText(v.Plan.Name.ZhHans, v.Plan.Name.Ja, v.Plan.Name.En), v.Price, v.DataMb, v.DailyFairUseMb, v.ValidityDays))));

    public async Task<CheckoutStart> StartRenewalAsync(PurchaseRequest request, Guid simId, Guid planVersionId, CancellationToken ct = default)
    {
        var userId = request.SignedInUserId;
        var sim = await db.Sims.SingleOrDefaultAsync(s => s.Id == simId && s.OwnerId == userId, ct);
        if (sim is null)
        {
            return new CheckoutStart(CheckoutStartStatus.NotFound);
        }
        var plan = await FindPlanOnSaleAsync(planVersionId, ct);
        if (plan is null || !plan.Fits(sim.Kind))
        {
            return new CheckoutStart(CheckoutStartStatus.PlanNotAvailable);
        }
        var email = await EmailOfAsync(userId, ct);
        var key = $"renewal:{userId}:{request.RequestId:N}";
        return await StartAsync(Buyer.Account(userId), key, OrderKind.Renewal, sim.Id, plan.Id,
            () => Order.ForRenewal(sim, plan, userId, email, request.Culture, key, clock.GetUtcNow()), request, ct);
    }

    /// <summary>
    /// Quick renewal without an account, for a SIM whose holder proved it. An eSIM's receipt goes to the
    /// email it was bought with; for a physical SIM, Stripe Checkout asks for one.
    /// </summary>
    public async Task<CheckoutStart> StartVerifiedRenewalAsync(PurchaseRequest request, Guid simId, Guid planVersionId, CancellationToken ct = default)
    {
        var sim = await db.Sims.SingleOrDefaultAsync(s => s.Id == simId, ct);
        if (sim is null)
        {
            return new CheckoutStart(CheckoutStartStatus.NotFound);
        }
        var plan = await FindPlanOnSaleAsync(planVersionId, ct);
        if (plan is null || !plan.Fits(sim.Kind))
        {
            return new CheckoutStart(CheckoutStartStatus.PlanNotAvailable);
        }
        var email = sim.Kind == SimKind.Esim ? sim.PurchaseEmail ?? "" : "";
        var key = $"quick-renewal:{sim.Id:N}:{request.RequestId:N}";
        return await StartAsync(Buyer.Holder(sim.Id), key, OrderKind.Renewal, sim.Id, plan.Id,
            () => Order.ForRenewal(sim, plan, null, email, request.Culture, key, clock.GetUtcNow()), request, ct);
    }

    public async Task<CheckoutStart> StartNewEsimAsync(PurchaseRequest request, Guid planVersionId, CancellationToken ct = default)
    {
        var plan = await FindPlanOnSaleAsync(planVersionId, ct);
        if (plan is null || !plan.Fits(SimKind.Esim))
        {
            return new CheckoutStart(CheckoutStartStatus.PlanNotAvailable);
        }
        var userId = request.SignedInUserId;
        var email = await EmailOfAsync(userId, ct);
        var key = $"new-esim:{userId}:{request.RequestId:N}";
        return await StartAsync(Buyer.Account(userId), key, OrderKind.NewEsim, null, plan.Id,
            () => Order.ForNewEsim(plan, userId, email, request.Culture, key, clock.GetUtcNow()), request, ct);
    }

    /// <summary>Continues paying an unpaid order of the user's (its checkout was left, or is still open).</summary>
    public Task<CheckoutStart> ResumeAsync(PurchaseRequest request, Guid orderId, CancellationToken ct = default) =>
        ResumeAsync(request.SignedInUserId, orderId, request, ct);

    /// <summary>Continues paying an order placed without an account, reached through its signed link (which the caller checked).</summary>
    public Task<CheckoutStart> ResumeByLinkAsync(PurchaseRequest request, Guid orderId, CancellationToken ct = default) =>
        ResumeAsync(null, orderId, request, ct);

    private async Task<CheckoutStart> ResumeAsync(string? userId, Guid orderId, PurchaseRequest request, CancellationToken ct)
    {
        if (await BuyerOfAsync(userId, orderId, ct) is not { } buyer)
        {
            return new CheckoutStart(CheckoutStartStatus.NotFound);
        }
        await using var buyerLock = await LockAsync(buyer, ct);
        if (buyerLock is null)
        {
            return new CheckoutStart(CheckoutStartStatus.Busy, orderId);
        }
        var order = await OrderWithPlan().SingleAsync(o => o.Id == orderId, ct);
        var start = await CheckoutAsync(order, request, ct);
        await buyerLock.CommitAsync(ct);
        return start;
    }

    /// <summary>
    /// The buyer gives up an unpaid order (signed in: <paramref name="userId"/>; without an account, through
    /// its signed link: null). The checkout is closed at the provider first, so it cannot be paid afterwards.
    /// </summary>
    public async Task<CancelOutcome> CancelAsync(string? userId, Guid orderId, CancellationToken ct = default)
    {
        if (await BuyerOfAsync(userId, orderId, ct) is not { } buyer)
        {
            return CancelOutcome.NotFound;
        }
        await using var buyerLock = await LockAsync(buyer, ct);
        if (buyerLock is null)
        {
            return CancelOutcome.Busy;
        }
        // Row-locked: closing the checkout makes the provider send checkout.session.expired, whose handler waits here
        // and then finds the order already cancelled.
        var order = await db.Orders.FromSql($"SELECT *, xmin FROM orders WHERE id = {orderId} FOR UPDATE").SingleAsync(ct);
        if (order.State != OrderState.PendingPayment)
        {
            return CancelOutcome.NotCancellable;
        }
        if (order.CheckoutSessionId is { } sessionId)
        {
            try
            {
                if ((await gateway.ExpireCheckoutSessionAsync(sessionId, ct))?.Status == CheckoutStatus.Complete)
                {
                    return CancelOutcome.NotCancellable; // paid (or a konbini slip issued) just now; the order page catches up
                }
            }
            catch (PaymentProviderException ex)
            {
                logger.LogWarning("Cancelling order {OrderId}: the payment provider could not close its checkout: {Code}", order.Id, ex.Code);
                return CancelOutcome.ProviderUnavailable;
            }
        }
        order.Cancel(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await buyerLock.CommitAsync(ct);
        logger.LogInformation("Order {OrderId} cancelled by its buyer", order.Id);
        return CancelOutcome.Cancelled;
    }

    /// <summary>Whose checkouts an order counts against, if it is this buyer's (an account's own, or one without an account).</summary>
    private async Task<Buyer?> BuyerOfAsync(string? userId, Guid orderId, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking()
            .Where(o => o.Id == orderId && o.UserId == userId && o.Kind != OrderKind.Voucher)
            .Select(o => new { o.UserId, o.SimId })
            .SingleOrDefaultAsync(ct);
        return order switch
        {
            null => null,
            { UserId: { } owner } => Buyer.Account(owner),
            { SimId: { } simId } => Buyer.Holder(simId),
            _ => null,
        };
    }

    private async Task<CheckoutStart> StartAsync(Buyer buyer, string key, OrderKind kind, Guid? simId, Guid planVersionId, Func<Order> newOrder, PurchaseRequest request, CancellationToken ct)
    {
        await using var buyerLock = await LockAsync(buyer, ct);
        if (buyerLock is null)
        {
            return new CheckoutStart(CheckoutStartStatus.Busy);
        }
        var now = clock.GetUtcNow();
        var open = await OrderWithPlan().Where(buyer.Orders).Where(o => o.State == OrderState.PendingPayment && o.CreatedAt > now - MaxCheckoutLifetime)
            .OrderBy(o => o.CreatedAt).ToListAsync(ct);
        // The same request again (double click, retry), or the same purchase from another tab or with a lost request id.
        var order = await OrderWithPlan().SingleOrDefaultAsync(o => o.IdempotencyKey == key, ct)
            ?? open.FirstOrDefault(o => o.Kind == kind && o.SimId == simId && o.PlanVersionId == planVersionId && (o.CheckoutSessionId is null || o.HasOpenCheckout(now)));
        if (order is null)
        {
            var waiting = open.Where(o => o.CheckoutSessionId is null || o.CheckoutExpiresAt > now).ToList();
            if (waiting.Count >= payments.Value.MaxOpenCheckouts)
            {
                logger.LogWarning("Checkout refused: {Count} unpaid checkouts already open for this buyer", waiting.Count);
                return new CheckoutStart(CheckoutStartStatus.TooManyOpen, waiting[0].Id);
            }
            order = newOrder();
            db.Orders.Add(order);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
            {
                // The plan version was a scheduled change that an admin cancelled at the moment it took effect.
                return new CheckoutStart(CheckoutStartStatus.PlanNotAvailable);
            }
            logger.LogInformation("Order {OrderId} created ({OrderKind}, {Amount} yen)", order.Id, order.Kind, order.Amount.Amount);
        }
        var start = await CheckoutAsync(order, request, ct);
        await buyerLock.CommitAsync(ct);
        return start;
    }

    /// <summary>
    /// Serialises one buyer's checkouts (held until the caller's transaction ends, across the provider's
    /// answer), so concurrent requests see each other's orders and sessions: first in this instance, where a
    /// waiting step holds no database connection (<see cref="BuyerGates"/>), then across instances with an
    /// advisory lock. Each wait is bounded by <see cref="PaymentOptions.BuyerLockWait"/>; null when it ran out.
    /// </summary>
    private async Task<BuyerLock?> LockAsync(Buyer buyer, CancellationToken ct)
    {
        var wait = payments.Value.BuyerLockWait;
        if (await gates.EnterAsync(buyer.LockName, wait, ct) is not { } gate)
        {
            logger.LogWarning("Checkout step refused: another step of the same buyer took over {Wait} here", wait);
            return null;
        }
        var lockTimeout = $"{(int)wait.TotalMilliseconds}ms";
        IDbContextTransaction? transaction = null;
        try
        {
            transaction = await db.Database.BeginTransactionAsync(ct);
            // One round trip; the bounded wait applies to this lock only, later row locks wait as usual.
            await db.Database.ExecuteSqlAsync($"""
                SELECT set_config('lock_timeout', {lockTimeout}, true);
                SELECT pg_advisory_xact_lock(hashtextextended({buyer.LockName}, 0));
                SET LOCAL lock_timeout TO DEFAULT
                """, ct);
            return new BuyerLock(transaction, gate);
        }
        catch (Exception ex)
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
            gate.Dispose();
            if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable })
            {
                logger.LogWarning("Checkout step refused: another instance held the buyer's lock for over {Wait}", wait);
                return null;
            }
            throw;
        }
    }

    /// <summary>A buyer's checkout lock: the transaction to commit, and this instance's gate, left when disposed.</summary>
    private sealed class BuyerLock(IDbContextTransaction transaction, IDisposable gate) : IAsyncDisposable
    {
        public Task CommitAsync(CancellationToken ct) => transaction.CommitAsync(ct);

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            gate.Dispose();
        }
    }

    private IQueryable<Order> OrderWithPlan() => db.Orders.Include(o => o.PlanVersion).ThenInclude(v => v.Plan);

    private async Task<CheckoutStart> CheckoutAsync(Order order, PurchaseRequest request, CancellationToken ct)
    {
        if (!order.IsAwaitingPayment)
        {
            return new CheckoutStart(CheckoutStartStatus.ShowOrder, order.Id);
        }
        if (order.HasOpenCheckout(clock.GetUtcNow()))
        {
            return new CheckoutStart(CheckoutStartStatus.Pay, order.Id, order.CheckoutUrl);
        }
        try
        {
            return await SessionForAsync(order, request, ct);
        }
        catch (PaymentProviderException ex)
        {
            // The order stays unpaid and can be paid later from its page; nothing was charged.
            logger.LogWarning("Checkout for order {OrderId} could not reach the payment provider: {Code}", order.Id, ex.Code);
            return new CheckoutStart(CheckoutStartStatus.ProviderUnavailable, order.Id);
        }
    }

    private async Task<CheckoutStart> SessionForAsync(Order order, PurchaseRequest request, CancellationToken ct)
    {
        if (order.CheckoutSessionId is { } existing)
        {
            var session = await gateway.GetCheckoutSessionAsync(existing, ct);
            return session.Status == CheckoutStatus.Open && session.Url is not null
                ? new CheckoutStart(CheckoutStartStatus.Pay, order.Id, session.Url)
                : new CheckoutStart(CheckoutStartStatus.ShowOrder, order.Id);
        }
        // The row stays locked until the session is attached, so reconciliation cannot cancel the order as abandoned meanwhile.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM orders WHERE id = {order.Id} FOR UPDATE", ct);
        await db.Entry(order).ReloadAsync(ct);
        if (order.State != OrderState.PendingPayment || order.CheckoutSessionId is not null)
        {
            return new CheckoutStart(CheckoutStartStatus.ShowOrder, order.Id);
        }
        var (success, cancel) = request.ReturnUrls(order.Id);
        var plan = order.PlanVersion.Plan;
        var culture = System.Globalization.CultureInfo.GetCultureInfo(order.Culture);
        var created = await gateway.CreateCheckoutSessionAsync(new CheckoutRequest(
            order.Id,
            order.Number,
            "checkout:" + order.Id.ToString("N"),
            plan.Name.For(culture),
            plan.Description.For(culture),
            order.Amount,
            order.Email,
            request.StripeLocale,
            success,
            cancel), ct);
        order.AttachCheckoutSession(created.Id, created.Url, created.ExpiresAt);
        await db.SaveChangesAsync(ct);
        return new CheckoutStart(CheckoutStartStatus.Pay, order.Id, created.Url);
    }

    /// <summary>The version if it is on sale now: a page shown before a price change posts the old one, and is refused.</summary>
    private Task<PlanVersion?> FindPlanOnSaleAsync(Guid planVersionId, CancellationToken ct) =>
        db.PlanVersions.Include(v => v.Plan)
            .Where(PlanVersion.OnSaleAt(clock.GetUtcNow()))
            .SingleOrDefaultAsync(v => v.Id == planVersionId && v.Plan.IsActive, ct);

    private async Task<string> EmailOfAsync(string userId, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct) ?? "";
}

/// <summary>Whose open checkouts are counted together: an account's, or, for quick renewal without one, a SIM's.</summary>
internal sealed record Buyer(string LockName, System.Linq.Expressions.Expression<Func<Order, bool>> Orders)
{
    public static Buyer Account(string userId) => new($"checkout:account:{userId}", o => o.UserId == userId);

    public static Buyer Holder(Guid simId) => new($"checkout:sim:{simId:N}", o => o.SimId == simId && o.UserId == null);
}
