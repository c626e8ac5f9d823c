using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Payments;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Orders;

/// <summary>An order as its owner sees it.</summary>
public sealed record OrderView(
    Guid Id,
    long Number,
    OrderKind Kind,
    OrderState State,
    LocalizedText PlanName,
    int ValidityDays,
    Yen Amount,
    Guid? SimId,
    string? Iccid,
    DateTimeOffset CreatedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? PreviousExpiresAt,
    DateTimeOffset? NewExpiresAt,
    DateTimeOffset? AsyncPaymentDeadline,
    bool HasCheckoutSession);

/// <summary>Order history and order pages, scoped to the owner.</summary>
public sealed class OrderService(EsimDbContext db, IPaymentGateway gateway, FulfilmentService fulfilment)
{
    public async Task<IReadOnlyList<OrderView>> ListForOwnerAsync(string userId, CancellationToken ct = default) =>
        await Views().Where(o => o.UserId == userId).OrderByDescending(o => o.CreatedAt).Select(ToView).ToListAsync(ct);

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
        if (syncWithProvider && order.CheckoutSessionId is { } sessionId
            && order.State is OrderState.PendingPayment or OrderState.AwaitingAsyncPayment)
        {
            await fulfilment.ApplySessionAsync(await gateway.GetCheckoutSessionAsync(sessionId, ct), ct);
        }
        return await Views().Where(o => o.Id == orderId).Select(ToView).SingleAsync(ct);
    }

    private IQueryable<Order> Views() => db.Orders.AsNoTracking();

    private static readonly System.Linq.Expressions.Expression<Func<Order, OrderView>> ToView = o => new OrderView(
        o.Id, o.Number, o.Kind, o.State, o.PlanVersion.Plan.Name, o.PlanVersion.ValidityDays, o.Amount, o.SimId,
        o.Sim == null ? null : o.Sim.Iccid, o.CreatedAt, o.PaidAt, o.PreviousExpiresAt, o.NewExpiresAt, o.AsyncPaymentDeadline,
        o.CheckoutSessionId != null);
}
