using System.Net;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Payments;

public sealed class NewEsimPurchaseTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await payments.ResetAsync();
        await payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_signed_in_traveller_buys_an_esim_and_it_is_issued_once_on_their_account()
    {
        var (client, userId) = await payments.SignUpAsync("mei@example.com");
        var page = await client.GetDocumentAsync("/plans/week-esim");

        var start = await client.SubmitAsync(page, "[data-testid=buy-form]", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        await using (var db = payments.Database.NewContext())
        {
            var sessionId = (await db.Orders.SingleAsync()).CheckoutSessionId!;
            await payments.Emulator.PaySuccessfullyAsync(sessionId);
        }
        await using var check = payments.Database.NewContext();
        for (var i = 0; i < 100 && !await check.Orders.AnyAsync(o => o.State == OrderState.Fulfilled); i++)
        {
            await Task.Delay(100);
        }

        var order = await check.Orders.AsNoTracking().SingleAsync();
        var sim = await check.Sims.AsNoTracking().SingleAsync();
        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(OrderKind.NewEsim, order.Kind);
        Assert.Equal(sim.Id, order.SimId);
        Assert.Equal(SimKind.Esim, sim.Kind);
        Assert.Equal(userId, sim.OwnerId);
        Assert.Equal("mei@example.com", sim.PurchaseEmail);
        Assert.StartsWith("898120", sim.Iccid);
        Assert.Matches(@"^LPA:1\$smdp\.example\$[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$", sim.ActivationCode);
        Assert.Equal(1, sim.RenewalCount);
        Assert.Equal(order.NewExpiresAt, sim.ExpiresAt);
        var orderPage = await client.GetDocumentAsync($"/orders/{order.Id}");
        Assert.Equal($"Paid. Your new eSIM ({sim.Iccid}) is on your account.", orderPage.Text("[data-testid=order-status] p"));
    }

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_asked_to_sign_in_before_buying()
    {
        var page = await payments.NewClient().GetDocumentAsync("/plans/week-esim");

        Assert.Null(page.QuerySelector("[data-testid=buy-form]"));
        Assert.Equal("/account/login?returnUrl=%2Fplans%2Fweek-esim", page.QuerySelector("a.button")!.GetAttribute("href"));
    }
}
