using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Payments;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Plans;

/// <summary>
/// A price change made by an admin through /admin/plans while travellers are paying, through the real
/// Stripe.net client against the emulator: what was ordered keeps its price, what is ordered after pays the new one.
/// </summary>
public sealed class PriceChangePaymentTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    private HttpClient _admin = null!;
    private HttpClient _traveller = null!;
    private Guid _simId;

    private DateTimeOffset Now => payments.Portal.Clock.GetUtcNow();

    public async Task InitializeAsync()
    {
        await payments.ResetAsync();
        await payments.SeedPlansAsync(); // "month": 30 days at ¥1,980
        _admin = await AdminPlanForms.SignInAdminAsync(payments.Portal, payments.NewClient());
        (_traveller, var userId) = await payments.SignUpAsync("mei@example.com");
        _simId = (await payments.AddPhysicalSimAsync(userId, "898110000000000042", Now.AddDays(-6))).Id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The traveller submits the renewal form for "month"; returns the hosted checkout page's address.</summary>
    private async Task<string> OpenCheckoutAsync()
    {
        var page = await _traveller.GetDocumentAsync($"/sims/{_simId}/renew");
        var response = await _traveller.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = page.QuerySelector("[data-plan-code=month] input[type=radio]")!.GetAttribute("value")!,
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    /// <summary>Pays on the hosted page with a test card and returns to the order page, which settles the order.</summary>
    private async Task<Order> PayAsync(string checkoutUrl)
    {
        using var browser = new CheckoutPageBrowser();
        var paid = await browser.PayByCardAsync(checkoutUrl, "4242 4242 4242 4242");
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        var orderPage = await _traveller.GetDocumentAsync(paid.Headers.Location!.ToString());
        Assert.NotNull(orderPage.QuerySelector("[data-testid=new-expiry]"));
        await using var db = payments.Database.NewContext();
        var sessionId = new Uri(paid.Headers.Location!.ToString()).Query.Split("session_id=")[1];
        return await db.Orders.AsNoTracking().SingleAsync(o => o.CheckoutSessionId == sessionId);
    }

    private async Task ChangeMonthPriceAsync(string price)
    {
        var id = await payments.Database.PlanIdAsync("month");
        var response = await _admin.EditAsync(id, new Dictionary<string, string> { ["Input.Price"] = price });
        Assert.True(response.IsRedirect(), $"saving the plan answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task A_checkout_opened_before_a_price_change_and_paid_after_it_charges_and_fulfils_the_old_price()
    {
        var checkoutUrl = await OpenCheckoutAsync();

        await ChangeMonthPriceAsync("2980");
        using (var browser = new CheckoutPageBrowser())
        {
            var checkoutPage = (await browser.GetAsync(checkoutUrl)).Page.Body!.TextContent;
            Assert.Contains("¥1,980", checkoutPage);
            Assert.DoesNotContain("¥2,980", checkoutPage);
        }
        var order = await PayAsync(checkoutUrl);

        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(new Yen(1980), order.Amount);
        var session = await payments.Emulator.Sessions.GetAsync(order.CheckoutSessionId);
        Assert.Equal(1980, session.AmountTotal);
        await using var db = payments.Database.NewContext();
        var sold = await db.PlanVersions.AsNoTracking().SingleAsync(v => v.Id == order.PlanVersionId);
        Assert.Equal((1, 1980L), (sold.Number, sold.Price.Amount));
        var sim = await db.Sims.AsNoTracking().SingleAsync(s => s.Id == _simId);
        Assert.Equal(Jst.EndOfDay(Jst.EndOfDay(Now.AddDays(-6).AddDays(30)).AddDays(30)), sim.ExpiresAt);
        var receipt = await _traveller.GetDocumentAsync($"/orders/{order.Id}");
        Assert.Equal("¥1,980", receipt.Text("[data-testid=receipt-total]"));
    }

    [Fact]
    public async Task An_order_paid_before_a_price_change_keeps_its_price_on_its_receipt_and_the_next_order_pays_the_new_price()
    {
        var before = await PayAsync(await OpenCheckoutAsync());
        Assert.Equal("¥1,980", (await _traveller.GetDocumentAsync($"/orders/{before.Id}")).Text("[data-testid=receipt-total]"));

        await ChangeMonthPriceAsync("2980");

        var receipt = await _traveller.GetDocumentAsync($"/orders/{before.Id}");
        Assert.Equal("¥1,980", receipt.Text("[data-testid=receipt-total]"));
        Assert.Contains("¥180", receipt.Text("[data-testid=receipt]")); // its consumption tax: floor(1980 × 10 / 110)
        var renewalPage = await _traveller.GetDocumentAsync($"/sims/{_simId}/renew");
        Assert.Equal("¥2,980", renewalPage.Text("[data-plan-code=month] .plan-choice-price"));

        var after = await PayAsync(await OpenCheckoutAsync());

        Assert.Equal(new Yen(2980), after.Amount);
        Assert.NotEqual(before.PlanVersionId, after.PlanVersionId);
        Assert.Equal(2980, (await payments.Emulator.Sessions.GetAsync(after.CheckoutSessionId)).AmountTotal);
        Assert.Equal("¥2,980", (await _traveller.GetDocumentAsync($"/orders/{after.Id}")).Text("[data-testid=receipt-total]"));
        Assert.Equal("¥1,980", (await _traveller.GetDocumentAsync($"/orders/{before.Id}")).Text("[data-testid=receipt-total]"));
    }

    [Fact]
    public async Task The_price_change_is_audited_with_the_admin_and_their_address()
    {
        await ChangeMonthPriceAsync("2980");

        await using var db = payments.Database.NewContext();
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "plan.revised");
        Assert.Equal((AdminPlanForms.AdminEmail, "127.0.0.1", "Plan"), (audit.ActorName, audit.Ip, audit.EntityType));
        Assert.NotNull(audit.ActorId);
        Assert.Contains("\"priceYen\": 1980", audit.Before);
        Assert.Contains("\"priceYen\": 2980", audit.After);
    }
}
