using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Payments;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Orders;

/// <summary>An order as its buyer sees it, with what its receipt needs.</summary>
public sealed record OrderView(
    Guid Id,
    long Number,
    OrderKind Kind,
    OrderState State,
    LocalizedText PlanName,
    int ValidityDays,
    long? DataMb,
    int? DailyFairUseMb,
    Yen Amount,
    Guid? SimId,
    string? Iccid,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? RefundedAt,
    DateTimeOffset? PreviousExpiresAt,
    DateTimeOffset? NewExpiresAt,
    DateTimeOffset? AsyncPaymentDeadline,
    bool HasCheckoutSession,
    string? PaymentMethod,
    string Email,
    bool IsGuest)
{
    /// <summary>An eSIM bought with this order: its activation code, shown to the owner only.</summary>
    public string? ActivationCode { get; init; }

    /// <summary>Money was taken through the portal (a voucher was paid at the store, which gives its own receipt).</summary>
    public bool HasReceipt => Kind != OrderKind.Voucher && PaidAt is not null && State is OrderState.Paid or OrderState.Fulfilled or OrderState.Refunded;

    public Yen IncludedTax => ConsumptionTax.IncludedIn(Amount);
}

/// <summary>A page of a traveller's order history; <paramref name="HasNext"/> when older orders follow.</summary>
public sealed record OrderHistoryPage(IReadOnlyList<OrderView> Orders, int Page, bool HasNext);

/// <summary>Order history and order pages, scoped to the owner.</summary>
public sealed class OrderService(EsimDbContext db, IPaymentGateway gateway, FulfilmentService fulfilment)
{
    /// <summary>Orders on one page of the history.</summary>
    public const int HistoryPageSize = 20;

    /// <summary>One page of the owner's orders, newest first (page 1 holds the newest).</summary>
    public async Task<OrderHistoryPage> ListForOwnerAsync(string userId, int page, CancellationToken ct = default)
    {
        var orders = new List<OrderView>(HistoryPageSize + 1);
        await foreach (var order in CompiledHistory.For(db)(db, userId, (page - 1) * HistoryPageSize).WithCancellation(ct))
        {
            orders.Add(order);
        }
        return new OrderHistoryPage(orders.Take(HistoryPageSize).ToList(), page, HasNext: orders.Count > HistoryPageSize);
    }

    // The plan's three names, not Plan.Name: projecting the complex property reads the plan's whole row (descriptions too).
    internal static readonly Expression<Func<Order, OrderView>> ToView = o => new OrderView(
        o.Id, o.Number, o.Kind, o.State, new LocalizedText(o.PlanVersion.Plan.Name.ZhHans, o.PlanVersion.Plan.Name.Ja, o.PlanVersion.Plan.Name.En), o.PlanVersion.ValidityDays, o.PlanVersion.DataMb, o.PlanVersion.DailyFairUseMb,
        o.Amount, o.SimId, o.Sim == null ? null : o.Sim.Iccid, o.CreatedAt, o.PaidAt, o.RefundedAt, o.PreviousExpiresAt, o.NewExpiresAt,
        o.AsyncPaymentDeadline, o.CheckoutSessionId != null, o.PaymentMethod, o.Email, o.UserId == null);

    /// <summary>
    /// The query behind /orders (skip = orders on the newer pages), read through ix_orders_user_id_created_at
    /// (AccountPagePlanTests). Compiled once: the busiest signed-in page skips building and looking up its
    /// query on every request (bench/README.md).
    /// </summary>
    internal static readonly Expression<Func<EsimDbContext, string, int, IQueryable<OrderView>>> HistoryQuery = (db, userId, skip) =>
        db.Orders.AsNoTracking().Where(o => o.UserId == userId).OrderByDescending(o => o.CreatedAt)
            .Skip(skip).Take(HistoryPageSize + 1) // one more tells whether an older page follows
            .Select(ToView);

    private static readonly CompiledPerModel<Func<EsimDbContext, string, int, IAsyncEnumerable<OrderView>>> CompiledHistory = new(() => EF.CompileAsyncQuery(HistoryQuery));

    /// <summary>
    /// The order page. After returning from checkout (<paramref name="syncWithProvider"/>), an unpaid
    /// order is first brought up to date from the provider, so the page shows the truth even before
    /// the webhook arrives.
    /// </summary>
    public async Task<OrderView?> GetForOwnerAsync(string userId, Guid orderId, bool syncWithProvider, CancellationToken ct = default)
    {
        var order = await Views().Where(o => o.Id == orderId && o.UserId == userId).Select(o => new { o.State, o.CheckoutSessionId }).SingleOrDefaultAsync(ct);
        if (order is null)
        {
            return null;
        }
        if (syncWithProvider && order.State is OrderState.PendingPayment or OrderState.AwaitingAsyncPayment)
        {
            await SyncAsync(order.CheckoutSessionId, ct);
        }
        var view = await Views().Where(o => o.Id == orderId).Select(ToView).SingleAsync(ct);
        return view with { ActivationCode = await ActivationCodeAsync(userId, view, ct) };
    }

    /// <summary>
    /// The order page of an order placed without an account (quick renewal), reached through the signed
    /// link of its receipt email or of the return from checkout: the caller has verified the link. Brought up to date from the provider like the owner's page; never
    /// shows an eSIM's activation code.
    /// </summary>
    public async Task<OrderView?> GetByLinkAsync(Guid orderId, bool syncWithProvider, CancellationToken ct = default)
    {
        var order = await Views().Where(o => o.Id == orderId && o.UserId == null).Select(o => new { o.State, o.CheckoutSessionId }).SingleOrDefaultAsync(ct);
        if (order is null)
        {
            return null;
        }
        if (syncWithProvider && order.State is OrderState.PendingPayment or OrderState.AwaitingAsyncPayment)
        {
            await SyncAsync(order.CheckoutSessionId, ct);
        }
        return await Views().Where(o => o.Id == orderId).Select(ToView).SingleAsync(ct);
    }

    /// <summary>The order behind a confirmation email, as its recipient sees it (the activation only when the eSIM is still theirs).</summary>
    public async Task<OrderView?> GetForEmailAsync(Guid orderId, CancellationToken ct = default)
    {
        var view = await Views().Where(o => o.Id == orderId).Select(ToView).SingleOrDefaultAsync(ct);
        if (view is null || view.IsGuest)
        {
            return view;
        }
        var owner = await Views().Where(o => o.Id == orderId).Select(o => o.UserId!).SingleAsync(ct);
        return view with { ActivationCode = await ActivationCodeAsync(owner, view, ct) };
    }

    /// <summary>Brings an unpaid order up to date from the provider; when it cannot be reached, the page shows what we know.</summary>
    private async Task SyncAsync(string? sessionId, CancellationToken ct)
    {
        if (sessionId is null)
        {
            return;
        }
        try
        {
            await fulfilment.ApplySessionAsync(await gateway.GetCheckoutSessionAsync(sessionId, ct), ct);
        }
        catch (PaymentProviderException)
        {
            // The webhook or the reconciliation job will bring the news later.
        }
    }

    private async Task<string?> ActivationCodeAsync(string ownerId, OrderView order, CancellationToken ct) =>
        order.Kind == OrderKind.NewEsim && order.State == OrderState.Fulfilled && order.SimId is { } simId
            ? await db.Sims.AsNoTracking().Where(s => s.Id == simId && s.OwnerId == ownerId).Select(s => s.ActivationCode).SingleOrDefaultAsync(ct)
            : null;

    private IQueryable<Order> Views() => db.Orders.AsNoTracking();
}
