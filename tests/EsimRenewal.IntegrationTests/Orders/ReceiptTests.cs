using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Orders;

/// <summary>
/// The receipt on <c>/orders/{id}</c>: a 領収書 that is also a simplified qualified invoice, showing
/// what was sold as it was sold, the consumption tax in the total, the seller from configuration.
/// </summary>
public sealed class ReceiptTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private HttpClient _client = null!;
    private string _userId = "";
    private Plan _plan = null!;
    private Sim _sim = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        (_client, _userId) = await portal.Factory.SignUpAsync("mei@example.com");
        await using var db = portal.Database.NewContext();
        _plan = TestData.Plan("month", 30, 3980, SimKinds.Both, dataMb: 30 * 1024);
        _sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000601"), SimPin.Hash("1234"), TestData.Epoch);
        _sim.AssignTo(_userId, TestData.Epoch);
        db.Plans.Add(_plan);
        db.Sims.Add(_sim);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Order> PaidOrderAsync(string method = "card")
    {
        await using var db = portal.Database.NewContext();
        var sim = await db.Sims.SingleAsync(s => s.Id == _sim.Id);
        var version = await db.PlanVersions.Include(v => v.Plan).Where(PlanVersion.OnSaleAt(portal.Factory.Clock.GetUtcNow())).SingleAsync(v => v.PlanId == _plan.Id);
        var order = TestOrders.FulfilledRenewal(sim, version, _userId, "mei@example.com", portal.Factory.Clock.GetUtcNow(), method: method);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }

    private static IReadOnlyDictionary<string, string> Lines(AngleSharp.Dom.IDocument page) =>
        page.QuerySelectorAll("[data-testid=receipt] dt").Zip(page.QuerySelectorAll("[data-testid=receipt] dd"))
            .ToDictionary(p => p.First.TextContent.Trim(), p => p.Second.TextContent.Trim());

    [Fact]
    public async Task A_paid_order_has_a_receipt_with_seller_registration_number_tax_method_and_buyer()
    {
        var order = await PaidOrderAsync();

        var page = await _client.GetDocumentAsync($"/orders/{order.Id}");

        var lines = Lines(page);
        Assert.Equal("¥3,980", page.Text("[data-testid=receipt-total]"));
        Assert.Equal(order.Number.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), lines["Receipt number"]);
        Assert.Equal(Jst.Format(order.PaidAt!.Value), lines["Date (Japan time)"]);
        Assert.Equal("mei@example.com", lines["Buyer"]);
        Assert.Equal("Japan 30 days · 30 days · 30 GB", lines["Item"]);
        Assert.Equal("¥3,980 (tax included)", lines["Total"]);
        Assert.Equal("¥361", lines["Consumption tax included (10%)"]); // floor(3980 × 10 / 110)
        Assert.Equal("Card (including Apple Pay / Google Pay)", lines["Payment method"]);
        Assert.Equal(PortalFactory.OperatorSettings["Operator:Name"], lines["Issued by"]);
        Assert.Equal(PortalFactory.OperatorSettings["Operator:Address"], lines["Address"]);
        Assert.Equal("T9876543210987", lines["Invoice registration number"]);
        Assert.Contains("領収書（適格簡易請求書）", page.Text("[data-testid=receipt] h2"));
        Assert.NotNull(page.QuerySelector("[data-testid=print][data-print]"));
    }

    [Fact]
    public async Task The_receipt_shows_what_was_sold_after_the_plans_price_and_terms_changed()
    {
        var order = await PaidOrderAsync();
        await using (var db = portal.Database.NewContext())
        {
            var plan = await db.Plans.Include(p => p.Versions).SingleAsync(p => p.Id == _plan.Id);
            var now = portal.Factory.Clock.GetUtcNow();
            plan.Revise(new PlanTerms(new Yen(4500), 50 * 1024, null, 31, SimKinds.Both), now, now);
            await db.SaveChangesAsync();
        }

        var lines = Lines(await _client.GetDocumentAsync($"/orders/{order.Id}"));

        Assert.Equal("¥3,980 (tax included)", lines["Total"]);
        Assert.Equal("¥361", lines["Consumption tax included (10%)"]);
        Assert.Equal("Japan 30 days · 30 days · 30 GB", lines["Item"]);
    }

    [Theory]
    [InlineData("zh-Hans", "收据", "其中消费税（10%）", "支付宝")]
    [InlineData("ja", "領収書", "内消費税（10%）", "Alipay")]
    [InlineData("en", "Receipt", "Consumption tax included (10%)", "Alipay")]
    public async Task The_receipt_reads_in_each_language(string language, string title, string taxLabel, string method)
    {
        var order = await PaidOrderAsync("alipay");
        var client = await SignedInAsync(language);

        var page = await client.GetDocumentAsync($"/orders/{order.Id}");

        Assert.StartsWith(title, page.Text("[data-testid=receipt] h2"));
        Assert.Equal("¥361", Lines(page)[taxLabel]);
        Assert.Contains(method, page.Text("[data-testid=receipt]"));
        Assert.DoesNotMatch(@"\b(Receipt|Payment|Order|Orders)\.[A-Z][A-Za-z.]+", page.Body!.TextContent);
    }

    [Fact]
    public async Task Unpaid_orders_and_voucher_redemptions_have_no_receipt()
    {
        await using var db = portal.Database.NewContext();
        var sim = await db.Sims.SingleAsync(s => s.Id == _sim.Id);
        var version = await db.PlanVersions.SingleAsync(v => v.PlanId == _plan.Id);
        var now = portal.Factory.Clock.GetUtcNow();
        var unpaid = Order.ForRenewal(sim, version, _userId, "mei@example.com", "en", "unpaid", now);
        var voucher = Order.ForVoucher(sim, version, sim.ApplyRenewal(version, now), _userId, "mei@example.com", "en", "voucher:1", now);
        db.Orders.AddRange(unpaid, voucher);
        await db.SaveChangesAsync();

        Assert.Null((await _client.GetDocumentAsync($"/orders/{unpaid.Id}")).QuerySelector("[data-testid=receipt]"));
        Assert.Null((await _client.GetDocumentAsync($"/orders/{voucher.Id}")).QuerySelector("[data-testid=receipt]"));
    }

    private async Task<HttpClient> SignedInAsync(string language)
    {
        var client = portal.Factory.NewBrowser(language);
        var page = await client.GetDocumentAsync("/account/login");
        var response = await client.SubmitAsync(page, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "mei@example.com",
            ["Input.Password"] = Travellers.Password,
        });
        Assert.True(response.IsRedirect());
        return client;
    }
}
