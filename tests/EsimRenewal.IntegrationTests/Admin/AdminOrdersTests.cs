using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// <c>/admin/orders</c>: search by order number, ICCID, email, phone, state and JST date range with
/// paging; hostile filters get messages; the accountants' CSV carries the receipt's tax columns;
/// <c>/admin</c> counts per JST day.
/// </summary>
public sealed class AdminOrdersTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private HttpClient _admin = null!;
    private Sim _sim = null!;
    private readonly List<Order> _orders = [];

    // 2026-12-01 15:30 UTC is 2026-12-02 00:30 in Japan: the JST day is what counts.
    private static readonly DateTimeOffset JustAfterMidnightJst = new(2026, 12, 1, 15, 30, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        // The clock first: an admin's session lasts 12 hours at most (0020), so the admin signs in at the test's "now".
        portal.Factory.Clock.SetUtcNow(JustAfterMidnightJst.AddHours(2));
        var scenario = new VoucherScenario(portal.Factory);
        await scenario.AdminWithTwoFactorAsync("boss@example.com");
        _admin = await portal.Factory.SignedInAsync("boss@example.com", VoucherScenario.Password);
        var (_, userId) = await portal.Factory.SignUpAsync("080-5555-6666");
        await using var db = portal.Database.NewContext();
        var plan = TestData.Plan("month", 30, 3980, SimKinds.Both);
        _sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000701"), SimPin.Hash("1234"), TestData.Epoch);
        _sim.AssignTo(userId, TestData.Epoch);
        db.AddRange(plan, _sim);
        _orders.Add(TestOrders.FulfilledRenewal(_sim, plan.Versions.Single(), userId, "", JustAfterMidnightJst.AddDays(-2)));
        _orders.Add(TestOrders.FulfilledRenewal(_sim, plan.Versions.Single(), null, "walkin@example.com", JustAfterMidnightJst, method: "alipay"));
        _orders.Add(Order.ForRenewal(_sim, plan.Versions.Single(), null, "walkin@example.com", "en", "pending", JustAfterMidnightJst.AddHours(1)));
        db.Orders.AddRange(_orders);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<IReadOnlyList<long>> NumbersAsync(string query)
    {
        var page = await _admin.GetDocumentAsync("/admin/orders" + query);
        return page.QuerySelectorAll("[data-testid=order-results] tbody tr").Select(r => long.Parse(r.GetAttribute("data-order-number")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    [Fact]
    public async Task Orders_are_found_by_number_iccid_email_phone_state_and_japanese_date_newest_first()
    {
        var (first, second, pending) = (_orders[0].Number, _orders[1].Number, _orders[2].Number);

        Assert.Equal([pending, second, first], await NumbersAsync(""));
        Assert.Equal([second], await NumbersAsync($"?q=%23{second}"));
        Assert.Equal([pending, second, first], await NumbersAsync("?q=" + Uri.EscapeDataString(string.Join(' ', _sim.Iccid.Chunk(4).Select(c => new string(c))))));
        Assert.Equal([pending, second], await NumbersAsync("?q=WALKIN%40example.com"));
        Assert.Equal([first], await NumbersAsync("?q=" + Uri.EscapeDataString("+81 80 5555 6666")));
        Assert.Equal([pending], await NumbersAsync("?state=PendingPayment"));
        Assert.Equal([pending, second], await NumbersAsync("?from=2026-12-02&to=2026-12-02"));
        Assert.Equal([first], await NumbersAsync("?to=2026-12-01"));
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats()
    {
        await using (var db = portal.Database.NewContext())
        {
            var version = await db.PlanVersions.SingleAsync();
            for (var i = 0; i < 60; i++)
            {
                db.Orders.Add(Order.ForRenewal(await db.Sims.SingleAsync(), version, null, $"bulk{i}@example.com", "en", $"bulk-{i}", JustAfterMidnightJst));
            }
            await db.SaveChangesAsync();
        }

        var first = await _admin.GetDocumentAsync("/admin/orders");
        var next = first.QuerySelector("[data-testid=next-page]")!.GetAttribute("href")!;
        var second = await NumbersAsync(next["/admin/orders".Length..]);

        var firstNumbers = first.QuerySelectorAll("[data-testid=order-results] tbody tr").Select(r => r.GetAttribute("data-order-number")).ToList();
        Assert.Equal(50, firstNumbers.Count);
        Assert.Equal(13, second.Count);
        Assert.Empty(firstNumbers.Intersect(second.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Theory]
    [InlineData("?q=hello", "That is not an order number, ICCID, email or phone number.")]
    [InlineData("?state=Shipped", "Unknown order state.")]
    [InlineData("?channel=%00lawson", "Unknown sales channel.")]
    [InlineData("?from=2026-13-45", "Enter a date (YYYY-MM-DD).")]
    [InlineData("?from=2026-12-02&to=2026-12-01", "The end date cannot be before the start date.")]
    [InlineData("?after=abc", "That is not an order number, ICCID, email or phone number.")]
    [InlineData("?handler=csv", "Exporting CSV needs a start and an end date.")]
    public async Task Hostile_filters_get_a_message_and_no_500(string query, string message)
    {
        var response = await _admin.GetAsync("/admin/orders" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).QuerySelectorAll(".field-error").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public async Task The_csv_has_the_paid_orders_of_the_range_with_the_receipts_tax_columns()
    {
        var response = await _admin.GetAsync("/admin/orders?handler=csv&from=2026-11-28&to=2026-12-02");

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("order_number,paid_at_jst,state,kind,plan_code,plan_version,plan_name,amount_jpy_incl_tax,consumption_tax_jpy,amount_jpy_excl_tax,tax_rate_percent,payment_method", lines[0]);
        Assert.Equal(3, lines.Length); // two paid orders; the pending one is not a sale
        Assert.StartsWith($"{_orders[1].Number},2026-12-02 00:30 JST,Fulfilled,Renewal,month,1,", lines[2]);
        Assert.Contains(",3980,361,3619,10,alipay,", lines[2]);
        await using var db = portal.Database.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "orders.exported");
        Assert.Equal("boss@example.com", audit.ActorName);
        Assert.Equal(("2026-11-28", "2026-12-02", 2), ReadExport(audit.After!));
    }

    private static (string? From, string? To, int Rows) ReadExport(string json)
    {
        var root = System.Text.Json.JsonDocument.Parse(json).RootElement;
        return (root.GetProperty("from").GetString(), root.GetProperty("to").GetString(), root.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task A_refused_csv_export_is_not_audited()
    {
        await _admin.GetAsync("/admin/orders?handler=csv&from=2026-11-28");

        await using var db = portal.Database.NewContext();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == "orders.exported"));
    }

    /// <summary>Follows a dashboard link and reads the order numbers it lists.</summary>
    private async Task<IReadOnlyList<long>> NumbersBehindAsync(AngleSharp.Dom.IElement link)
    {
        var href = link.GetAttribute("href")!;
        Assert.StartsWith("/admin/orders", href, StringComparison.Ordinal);
        return await NumbersAsync(href["/admin/orders".Length..]);
    }

    private static int Figure(AngleSharp.Dom.IElement tile) =>
        int.Parse(tile.QuerySelector("strong")!.TextContent.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Awaiting_payment_counts_checkouts_and_konbini_slips_and_its_link_lists_exactly_those()
    {
        Order konbini;
        await using (var db = portal.Database.NewContext())
        {
            konbini = Order.ForRenewal(await db.Sims.SingleAsync(), await db.PlanVersions.SingleAsync(), null, "konbini@example.com", "ja", "konbini", JustAfterMidnightJst.AddHours(1.5));
            konbini.AwaitAsyncPayment("pi_konbini", JustAfterMidnightJst.AddDays(3));
            db.Orders.Add(konbini);
            await db.SaveChangesAsync();
        }

        var tile = (await _admin.GetDocumentAsync("/admin")).QuerySelector("[data-testid=awaiting-payment]")!;
        var listed = await NumbersBehindAsync(tile);

        Assert.Equal(2, Figure(tile));
        Assert.Equal([konbini.Number, _orders[2].Number], listed);
        var list = await _admin.GetDocumentAsync(tile.GetAttribute("href")!);
        Assert.Equal("Awaiting payment (checkout or konbini)", list.QuerySelector("[data-testid=state] option[selected]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Redemptions_per_channel_link_to_the_orders_of_exactly_those_redemptions()
    {
        var scenario = new VoucherScenario(portal.Factory);
        var staff = await scenario.UserAsync("desk@example.com", Roles.Staff);
        var version = _orders[0].PlanVersionId;
        var (_, familyMart) = await scenario.BatchAsync(version, staff.Id, count: 2, channel: Core.Vouchers.SalesChannels.FamilyMart);
        var (_, lawson) = await scenario.BatchAsync(version, staff.Id, count: 2, channel: Core.Vouchers.SalesChannels.Lawson);
        foreach (var code in familyMart.Concat(lawson.Take(1)))
        {
            var redeemed = await scenario.WithRedemptionsAsync(r => r.RedeemAsync(code.ToString(), Core.Vouchers.SimKey.ByIccid(Iccid.Parse(_sim.Iccid)), VoucherScenario.Staff(staff)));
            Assert.True(redeemed.Succeeded);
        }
        await using var db = portal.Database.NewContext();
        var ordersByChannel = await db.VoucherRedemptions.AsNoTracking()
            .Join(db.Vouchers, r => r.VoucherId, v => v.Id, (r, v) => new { r.OrderId, v.BatchId })
            .Join(db.VoucherBatches, x => x.BatchId, b => b.Id, (x, b) => new { x.OrderId, b.Channel })
            .Join(db.Orders, x => x.OrderId, o => o.Id, (x, o) => new { x.Channel, o.Number })
            .ToListAsync();

        var rows = (await _admin.GetDocumentAsync("/admin")).QuerySelectorAll("[data-testid=redemptions] tr[data-channel]");

        Assert.Equal(2, rows.Length);
        foreach (var row in rows)
        {
            var channel = row.GetAttribute("data-channel")!;
            var listed = await NumbersBehindAsync(row.QuerySelector("a")!);
            var expected = ordersByChannel.Where(o => o.Channel == channel).Select(o => o.Number).OrderDescending().ToList();
            Assert.Equal(int.Parse(row.QuerySelectorAll("td")[1].TextContent, System.Globalization.CultureInfo.InvariantCulture), listed.Count);
            Assert.Equal(expected, listed);
        }
    }

    [Fact]
    public async Task Carrier_messages_failing_are_counted_listed_and_shown_on_the_order_with_attempts_and_error()
    {
        var (delivered, failing) = (_orders[0], _orders[1]);
        await using (var db = portal.Database.NewContext())
        {
            var sim = await db.Sims.SingleAsync();
            var ok = Core.Carrier.CarrierOutbox.ValidityChanged("order:" + delivered.Id, sim, delivered.Id, JustAfterMidnightJst);
            ok.MarkDelivered(JustAfterMidnightJst);
            var bad = Core.Carrier.CarrierOutbox.ValidityChanged("order:" + failing.Id, sim, failing.Id, JustAfterMidnightJst);
            bad.MarkFailed("carrier answered 503", TimeSpan.FromMinutes(1), JustAfterMidnightJst);
            bad.MarkFailed("carrier answered 504 Gateway Timeout", TimeSpan.FromMinutes(2), JustAfterMidnightJst.AddMinutes(1));
            db.OutboxMessages.AddRange(ok, bad);
            await db.SaveChangesAsync();
        }

        var tile = (await _admin.GetDocumentAsync("/admin")).QuerySelector("[data-testid=carrier-failing]")!;

        Assert.Equal(1, Figure(tile));
        Assert.Equal([failing.Number], await NumbersBehindAsync(tile));
        var failingPage = await _admin.GetDocumentAsync($"/admin/orders/{failing.Id}");
        var message = failingPage.QuerySelector("[data-testid=carrier] li")!;
        Assert.Contains("Not delivered yet (2 attempts)", message.TextContent);
        Assert.Equal("carrier answered 504 Gateway Timeout", message.QuerySelector(".field-error")!.TextContent.Trim());
        var deliveredPage = await _admin.GetDocumentAsync($"/admin/orders/{delivered.Id}");
        Assert.StartsWith("Delivered", deliveredPage.Text("[data-testid=carrier] li"));
    }

    [Fact]
    public async Task The_dashboard_counts_renewals_and_revenue_per_japanese_day()
    {
        var scenario = new VoucherScenario(portal.Factory);
        var staff = await scenario.UserAsync("desk@example.com", Roles.Staff);
        var (_, codes) = await scenario.BatchAsync(_orders[0].PlanVersionId, staff.Id, count: 2, channel: Core.Vouchers.SalesChannels.FamilyMart);
        foreach (var code in codes)
        {
            var redeemed = await scenario.WithRedemptionsAsync(r => r.RedeemAsync(code.ToString(), Core.Vouchers.SimKey.ByIccid(Iccid.Parse(_sim.Iccid)), VoucherScenario.Staff(staff)));
            Assert.True(redeemed.Succeeded);
        }

        var page = await _admin.GetDocumentAsync("/admin");

        var today = page.QuerySelector("[data-testid=daily-table] tr[data-day='2026-12-02']")!;
        var twoDaysAgo = page.QuerySelector("[data-testid=daily-table] tr[data-day='2026-11-30']")!;
        Assert.Equal(["2026-12-02", "3", "¥3,980"], today.QuerySelectorAll("td").Select(c => c.TextContent.Trim())); // a paid renewal and two vouchers
        Assert.Equal(["2026-11-30", "1", "¥3,980"], twoDaysAgo.QuerySelectorAll("td").Select(c => c.TextContent.Trim()));
        Assert.Equal("¥7,960", page.Text("[data-testid=revenue-total]"));
        Assert.StartsWith("1", page.Text("[data-testid=awaiting-payment]"));
        Assert.Equal(30, page.QuerySelectorAll("[data-testid=daily-chart] rect").Length);
        Assert.Equal(["FamilyMart", "2"], page.QuerySelectorAll("[data-testid=redemptions] tr[data-channel] td").Select(c => c.TextContent.Trim()));
    }
}
