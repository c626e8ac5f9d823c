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
