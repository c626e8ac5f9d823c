using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
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
}

public sealed record CheckoutStart(CheckoutStartStatus Status, Guid? OrderId = null, string? Url = null);

/// <summary>A plan a SIM can be renewed with, and what paying for it will do.</summary>
public sealed record RenewalOption(Guid PlanVersionId, string Code, LocalizedText Name, Yen Price, long? DataMb, int? DailyFairUseMb, int ValidityDays, RenewalPreview Preview);

public sealed record RenewalChoice(Guid SimId, string Iccid, SimKind Kind, DateTimeOffset? ExpiresAt, IReadOnlyList<RenewalOption> Options);

/// <summary>
/// Starts paid purchases: writes the order first, then creates the provider's checkout session with
/// an idempotency key derived from the order, so one request never makes two orders or two sessions.
/// </summary>
public sealed class CheckoutService(EsimDbContext db, IPaymentGateway gateway, TimeProvider clock, ILogger<CheckoutService> logger)
{
    /// <summary>The renewal page: the owner's SIM and the plans that fit it, each with its preview.</summary>
    public async Task<RenewalChoice?> GetRenewalChoiceAsync(string userId, Guid simId, CancellationToken ct = default) =>
        await db.Sims.AsNoTracking().SingleOrDefaultAsync(s => s.Id == simId && s.OwnerId == userId, ct) is { } sim
            ? await ChoiceForAsync(sim, ct)
            : null;

    /// <summary>Quick renewal: the plans for a SIM whose holder proved it (card PIN or a code sent to the eSIM's email).</summary>
    public async Task<RenewalChoice?> GetVerifiedRenewalChoiceAsync(Guid simId, CancellationToken ct = default) =>
        await db.Sims.AsNoTracking().SingleOrDefaultAsync(s => s.Id == simId, ct) is { } sim
            ? await ChoiceForAsync(sim, ct)
            : null;

    private async Task<RenewalChoice> ChoiceForAsync(Sim sim, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var flag = sim.Kind.AsFlag();
        var plans = await db.PlanVersions.AsNoTracking()
            .Where(PlanVersion.OnSaleAt(now))
            .Where(v => v.Plan.IsActive && (v.SimKinds == flag || v.SimKinds == SimKinds.Both))
            .OrderBy(v => v.Plan.SortOrder).ThenBy(v => v.ValidityDays)
            .Select(v => new { v.Id, v.Plan.Code, v.Plan.Name, v.Price, v.DataMb, v.DailyFairUseMb, v.ValidityDays })
            .ToListAsync(ct);
        var options = plans
            .Select(p => new RenewalOption(p.Id, p.Code, p.Name, p.Price, p.DataMb, p.DailyFairUseMb, p.ValidityDays, RenewalRule.Preview(sim.ExpiresAt, p.ValidityDays, now)))
            .ToList();
        return new RenewalChoice(sim.Id, sim.Iccid, sim.Kind, sim.ExpiresAt, options);
    }

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
        return await StartAsync(key, () => Order.ForRenewal(sim, plan, userId, email, request.Culture, key, clock.GetUtcNow()), request, ct);
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
        return await StartAsync(key, () => Order.ForRenewal(sim, plan, null, email, request.Culture, key, clock.GetUtcNow()), request, ct);
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
        return await StartAsync(key, () => Order.ForNewEsim(plan, userId, email, request.Culture, key, clock.GetUtcNow()), request, ct);
    }

    /// <summary>Continues paying an unpaid order of the user's (its checkout was left, or is still open).</summary>
    public async Task<CheckoutStart> ResumeAsync(PurchaseRequest request, Guid orderId, CancellationToken ct = default)
    {
        var userId = request.SignedInUserId;
        var order = await db.Orders.Include(o => o.PlanVersion).ThenInclude(v => v.Plan)
            .SingleOrDefaultAsync(o => o.Id == orderId && o.UserId == userId, ct);
        return order is null
            ? new CheckoutStart(CheckoutStartStatus.NotFound)
            : await CheckoutAsync(order, request, ct);
    }

    /// <summary>Continues paying an order placed without an account, reached through its signed link (which the caller checked).</summary>
    public async Task<CheckoutStart> ResumeByLinkAsync(PurchaseRequest request, Guid orderId, CancellationToken ct = default)
    {
        var order = await db.Orders.Include(o => o.PlanVersion).ThenInclude(v => v.Plan)
            .SingleOrDefaultAsync(o => o.Id == orderId && o.UserId == null, ct);
        return order is null
            ? new CheckoutStart(CheckoutStartStatus.NotFound)
            : await CheckoutAsync(order, request, ct);
    }

    private async Task<CheckoutStart> StartAsync(string key, Func<Order> newOrder, PurchaseRequest request, CancellationToken ct)
    {
        var order = newOrder();
        db.Orders.Add(order);
        try
        {
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Order {OrderId} created ({OrderKind}, {Amount} yen)", order.Id, order.Kind, order.Amount.Amount);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same request again (double click, retry): continue with the order it made.
            db.ChangeTracker.Clear();
            order = await db.Orders.Include(o => o.PlanVersion).ThenInclude(v => v.Plan).SingleAsync(o => o.IdempotencyKey == key, ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation })
        {
            // The plan version was a scheduled change that an admin cancelled at the moment it took effect.
            return new CheckoutStart(CheckoutStartStatus.PlanNotAvailable);
        }
        return await CheckoutAsync(order, request, ct);
    }

    private async Task<CheckoutStart> CheckoutAsync(Order order, PurchaseRequest request, CancellationToken ct)
    {
        if (!order.IsAwaitingPayment)
        {
            return new CheckoutStart(CheckoutStartStatus.ShowOrder, order.Id);
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
        order.AttachCheckoutSession(created.Id);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A twin request attached the same session (same idempotency key) first.
            db.ChangeTracker.Clear();
        }
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
