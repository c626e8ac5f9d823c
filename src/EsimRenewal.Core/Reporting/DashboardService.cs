using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Reporting;

/// <summary>One JST day: renewals applied (paid or with a voucher) and money taken (not refunded).</summary>
public sealed record DailyFigures(DateOnly Day, int Renewals, Yen Revenue);

public sealed record ChannelRedemptions(string Channel, int Redemptions);

/// <summary>What an admin sees first: the last 30 days and what needs attention now.</summary>
public sealed record Dashboard(
    IReadOnlyList<DailyFigures> Days,
    IReadOnlyList<ChannelRedemptions> RedemptionsByChannel,
    int AwaitingPayment,
    int CarrierFailing);

/// <summary>The admin dashboard's figures, counted in Japan time by PostgreSQL.</summary>
public sealed class DashboardService(EsimDbContext db, TimeProvider clock)
{
    public const int Days = 30;

    private sealed record DayRow(DateOnly Day, int Count, long Amount);

    public async Task<Dashboard> GetAsync(CancellationToken ct = default)
    {
        var today = Jst.DateOf(clock.GetUtcNow());
        var first = today.AddDays(1 - Days);
        var since = Jst.StartOfDay(first);
        // Renewals by the day they were applied; money by the day it was paid, less what was refunded since.
        var renewals = (await db.Database.SqlQuery<DayRow>($"""
                SELECT (fulfilled_at AT TIME ZONE 'Asia/Tokyo')::date AS "Day", count(*)::int AS "Count", 0::bigint AS "Amount"
                FROM orders WHERE fulfilled_at >= {since} AND kind IN ('Renewal', 'Voucher')
                GROUP BY 1
                """).ToListAsync(ct)).ToDictionary(r => r.Day, r => r.Count);
        var revenue = (await db.Database.SqlQuery<DayRow>($"""
                SELECT (paid_at AT TIME ZONE 'Asia/Tokyo')::date AS "Day", count(*)::int AS "Count", sum(amount_yen)::bigint AS "Amount"
                FROM orders WHERE paid_at >= {since} AND kind <> 'Voucher' AND state IN ('Paid', 'Fulfilled')
                GROUP BY 1
                """).ToListAsync(ct)).ToDictionary(r => r.Day, r => r.Amount);
        var days = Enumerable.Range(0, Days).Select(i => first.AddDays(i))
            .Select(d => new DailyFigures(d, renewals.GetValueOrDefault(d), new Yen(revenue.GetValueOrDefault(d))))
            .ToList();

        var byChannel = await (
                from r in db.VoucherRedemptions.AsNoTracking()
                where r.RedeemedAt >= since
                join v in db.Vouchers on r.VoucherId equals v.Id
                join b in db.VoucherBatches on v.BatchId equals b.Id
                group r by b.Channel into g
                orderby g.Count() descending
                select new ChannelRedemptions(g.Key, g.Count()))
            .ToListAsync(ct);
        var awaiting = await db.Orders.CountAsync(o => o.State == OrderState.PendingPayment || o.State == OrderState.AwaitingAsyncPayment, ct);
        var failing = await db.OutboxMessages.CountAsync(m => m.DeliveredAt == null && m.Attempts > 0, ct);
        return new Dashboard(days, byChannel, awaiting, failing);
    }
}
