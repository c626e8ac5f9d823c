using System.Globalization;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Orders;

/// <summary>Where an admin's search text points: an order number, an ICCID, an email or a phone number.</summary>
public sealed record OrderQuery(long? Number = null, string? Iccid = null, string? Email = null, string? Phone = null)
{
    /// <summary>Reads what an admin typed; null when it is none of the four.</summary>
    public static OrderQuery? Parse(string? text)
    {
        var value = text?.Normalize(System.Text.NormalizationForm.FormKC).Trim().TrimStart('#');
        if (string.IsNullOrEmpty(value) || value.Length > 100)
        {
            return null;
        }
        if (Sims.Iccid.TryParse(value, out var iccid))
        {
            return new OrderQuery(Iccid: iccid.Value);
        }
        if (value.Length <= 15 && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return new OrderQuery(Number: number);
        }
        if (SignInIdentifier.TryParse(value, out var identifier))
        {
            return identifier.Kind == IdentifierKind.Email ? new OrderQuery(Email: identifier.Value) : new OrderQuery(Phone: identifier.Value);
        }
        return null;
    }
}

/// <summary>Where the next page starts: after this order in the newest-first list (keyset paging).</summary>
public sealed record OrderCursor(DateTimeOffset CreatedAt, long Number)
{
    public override string ToString() => CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "-" + Number.ToString(CultureInfo.InvariantCulture);

    public static OrderCursor? Parse(string? text)
    {
        var parts = text?.Split('-');
        return parts is { Length: 2 }
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? new OrderCursor(new DateTimeOffset(ticks, TimeSpan.Zero), number)
            : null;
    }
}

/// <param name="AwaitingPayment">Only orders awaiting payment, at checkout or at a konbini (what the dashboard counts).</param>
/// <param name="VoucherChannel">Only orders made by redeeming a voucher of a batch sold through this channel.</param>
public sealed record OrderSearch(OrderQuery? Query, OrderState? State, DateOnly? From, DateOnly? To, OrderCursor? After, bool CarrierFailing = false, int PageSize = 50,
    bool AwaitingPayment = false, string? VoucherChannel = null);

public sealed record OrderRow(Guid Id, long Number, OrderKind Kind, OrderState State, DateTimeOffset CreatedAt, LocalizedText PlanName, Yen Amount, string? Iccid, string Email, string? PaymentMethod);

/// <param name="Next">Where the next page starts, when there is one.</param>
public sealed record OrderPage(IReadOnlyList<OrderRow> Rows, OrderCursor? Next);

public sealed record TimelineEntry(DateTimeOffset At, string Kind, string? Detail = null, Yen? Amount = null);

public sealed record CarrierDelivery(DateTimeOffset CreatedAt, int Attempts, DateTimeOffset? DeliveredAt, string? LastError);

/// <summary>An order as the admin sees it: everything about its payment, its SIM and its delivery to the carrier.</summary>
public sealed record OrderDetail(
    OrderView Order,
    RefundPreview Refund,
    string? Phone,
    string? CheckoutSessionId,
    string? PaymentIntentId,
    string? RefundReason,
    string? RefundId,
    DateTimeOffset? RolledBackTo,
    IReadOnlyList<TimelineEntry> Timeline,
    IReadOnlyList<CarrierDelivery> Carrier);

/// <summary>One order of the accountants' export, with the tax columns of the receipt.</summary>
public sealed record OrderExportRow(
    long Number,
    DateTimeOffset PaidAt,
    OrderState State,
    OrderKind Kind,
    string PlanCode,
    int PlanVersion,
    string PlanName,
    Yen Amount,
    Yen IncludedTax,
    string? PaymentMethod,
    DateTimeOffset? RefundedAt,
    string? Iccid,
    string Email);

/// <summary>
/// The admins' order desk: search (newest first, keyset paging, every filter served by an index), one
/// order's full story, and the export of paid orders for the accountants.
/// </summary>
public sealed class OrderAdminService(EsimDbContext db, TimeProvider clock)
{
    public async Task<OrderPage> SearchAsync(OrderSearch search, CancellationToken ct = default)
    {
        var rows = await (await SearchQueryAsync(search, ct)).ToListAsync(ct);
        var last = rows.Count > search.PageSize ? rows[search.PageSize - 1] : null;
        return new OrderPage(rows.Take(search.PageSize).ToList(), last is null ? null : new OrderCursor(last.CreatedAt, last.Number));
    }

    /// <summary>
    /// The search as one SQL query (a page and one more row, to know whether there is a next page),
    /// newest first. An email or phone number is first resolved to account ids, so that each condition
    /// is a plain column test the planner can answer from an index (measured in docs/decisions/0017).
    /// </summary>
    internal async Task<IQueryable<OrderRow>> SearchQueryAsync(OrderSearch search, CancellationToken ct = default)
    {
        var orders = db.Orders.AsNoTracking();
        if (search.Query is { } query)
        {
            if (query.Number is { } number)
            {
                orders = orders.Where(o => o.Number == number);
            }
            else if (query.Iccid is { } iccid)
            {
                orders = orders.Where(o => o.Sim != null && o.Sim.Iccid == iccid);
            }
            else if (query.Email is { } email)
            {
                // Email addresses are unique across accounts: at most one account to include.
                var normalized = email.ToUpperInvariant();
                var user = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).SingleOrDefaultAsync(ct);
                orders = user is null ? orders.Where(o => o.Email == email) : orders.Where(o => o.Email == email || o.UserId == user);
            }
            else if (query.Phone is { } phone)
            {
                var user = await db.Users.Where(u => u.PhoneNumber == phone).Select(u => u.Id).SingleOrDefaultAsync(ct) ?? "";
                orders = orders.Where(o => o.UserId == user);
            }
        }
        if (search.State is { } state)
        {
            orders = orders.Where(o => o.State == state);
        }
        if (search.AwaitingPayment)
        {
            orders = orders.Where(o => o.State == OrderState.PendingPayment || o.State == OrderState.AwaitingAsyncPayment);
        }
        if (search.VoucherChannel is { } channel)
        {
            var redeemed = from r in db.VoucherRedemptions
                           join v in db.Vouchers on r.VoucherId equals v.Id
                           join b in db.VoucherBatches on v.BatchId equals b.Id
                           where b.Channel == channel
                           select r.OrderId;
            orders = orders.Where(o => redeemed.Contains(o.Id));
        }
        if (search.From is { } from)
        {
            var start = Jst.StartOfDay(from);
            orders = orders.Where(o => o.CreatedAt >= start);
        }
        if (search.To is { } to)
        {
            var end = Jst.StartOfDay(to.AddDays(1));
            orders = orders.Where(o => o.CreatedAt < end);
        }
        if (search.CarrierFailing)
        {
            var failing = db.OutboxMessages.Where(m => m.DeliveredAt == null && m.Attempts > 0 && m.OrderId != null).Select(m => m.OrderId);
            orders = orders.Where(o => failing.Contains(o.Id));
        }
        if (search.After is { } after)
        {
            // The first test bounds the index range; the second breaks ties within one instant.
            orders = orders.Where(o => o.CreatedAt <= after.CreatedAt && (o.CreatedAt < after.CreatedAt || o.Number < after.Number));
        }
        return orders
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Number)
            .Take(search.PageSize + 1)
            .Select(o => new OrderRow(o.Id, o.Number, o.Kind, o.State, o.CreatedAt, o.PlanVersion.Plan.Name, o.Amount,
                o.Sim == null ? null : o.Sim.Iccid, o.Email, o.PaymentMethod));
    }

    public async Task<OrderDetail?> GetDetailAsync(Guid orderId, CancellationToken ct = default)
    {
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => new
        {
            o.CreatedAt, o.PaidAt, o.FulfilledAt, o.ClosedAt, o.State, o.RefundRequestedAt, o.RefundReason, o.RefundId, o.RefundedAt, o.RolledBackTo,
            o.CheckoutSessionId, o.PaymentIntentId, o.AsyncPaymentDeadline,
            Phone = db.Users.Where(u => u.Id == o.UserId).Select(u => u.PhoneNumber).FirstOrDefault(),
        }).SingleOrDefaultAsync(ct);
        if (order is null)
        {
            return null;
        }
        var view = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(OrderService.ToView).SingleAsync(ct);
        var events = await db.ProcessedStripeEvents.AsNoTracking().Where(e => e.OrderId == orderId).OrderBy(e => e.ProcessedAt)
            .Select(e => new TimelineEntry(e.ProcessedAt, "stripe:" + e.Type, e.EventId, e.AmountRefunded == null ? null : new Yen(e.AmountRefunded.Value)))
            .ToListAsync(ct);
        var timeline = new List<TimelineEntry> { new(order.CreatedAt, "created") };
        timeline.AddRange(events);
        AddIf(timeline, order.PaidAt, "paid");
        AddIf(timeline, order.FulfilledAt, "fulfilled");
        AddIf(timeline, order.ClosedAt, "closed:" + order.State);
        AddIf(timeline, order.RefundRequestedAt, "refund-requested", order.RefundReason);
        AddIf(timeline, order.RefundedAt, "refunded");
        var carrier = await db.OutboxMessages.AsNoTracking().Where(m => m.OrderId == orderId).OrderBy(m => m.Id)
            .Select(m => new CarrierDelivery(m.CreatedAt, m.Attempts, m.DeliveredAt, m.LastError))
            .ToListAsync(ct);
        var entity = await db.Orders.AsNoTracking().Include(o => o.Sim).SingleAsync(o => o.Id == orderId, ct);
        return new OrderDetail(view, RefundService.Preview(entity, entity.Sim, clock.GetUtcNow()), order.Phone, order.CheckoutSessionId, order.PaymentIntentId, order.RefundReason, order.RefundId, order.RolledBackTo,
            timeline.OrderBy(e => e.At).ThenBy(e => Stage(e.Kind)).ToList(), carrier);
    }

    /// <summary>
    /// Orders paid in a JST date range (both days included), oldest first, for the accountants. The export
    /// is audited first (<c>orders.exported</c>, with the range and the number of rows), then streamed.
    /// </summary>
    public async Task<IAsyncEnumerable<OrderExportRow>> ExportPaidAsync(DateOnly from, DateOnly to, Actor admin, CancellationToken ct = default)
    {
        var paid = PaidIn(from, to);
        var rows = await paid.CountAsync(ct);
        var now = clock.GetUtcNow();
        AuditLog.Record(db, admin, "orders.exported", nameof(Order), null, null, new { from, to, rows }, now);
        await db.SaveChangesAsync(ct);
        return ExportRows(paid);
    }

    private IQueryable<Order> PaidIn(DateOnly from, DateOnly to) =>
        db.Orders.AsNoTracking()
            .Where(o => o.PaidAt >= Jst.StartOfDay(from) && o.PaidAt < Jst.StartOfDay(to.AddDays(1)) && o.Kind != OrderKind.Voucher);

    private static IAsyncEnumerable<OrderExportRow> ExportRows(IQueryable<Order> paid) =>
        paid
            .OrderBy(o => o.PaidAt).ThenBy(o => o.Number)
            .Select(o => new OrderExportRow(o.Number, o.PaidAt!.Value, o.State, o.Kind, o.PlanVersion.Plan.Code, o.PlanVersion.Number,
                o.PlanVersion.Plan.Name.Ja, o.Amount, new Yen(0), o.PaymentMethod, o.RefundedAt, o.Sim == null ? null : o.Sim.Iccid, o.Email))
            .AsAsyncEnumerable()
            .Select(row => row with { IncludedTax = ConsumptionTax.IncludedIn(row.Amount) });

    /// <summary>
    /// Where an entry stands in an order's life, for entries of the same instant: an event is processed in
    /// the same transaction as the milestone it causes (checkout.session.completed and "paid"), and an
    /// admin's request and Stripe's confirmation may come within one clock tick.
    /// </summary>
    private static int Stage(string kind) => kind switch
    {
        "created" => 0,
        "paid" => 2,
        "fulfilled" => 3,
        "refund-requested" => 4,
        "stripe:ChargeRefunded" => 5,
        "refunded" => 6,
        _ when kind.StartsWith("closed:", StringComparison.Ordinal) => 2,
        _ => 1, // the checkout's events
    };

    private static void AddIf(List<TimelineEntry> timeline, DateTimeOffset? at, string kind, string? detail = null)
    {
        if (at is { } when)
        {
            timeline.Add(new TimelineEntry(when, kind, detail));
        }
    }
}
