using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Orders;

public sealed class OrderPageTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Client, string UserId)> SignUpAsync(string email)
    {
        var client = portal.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var page = await client.GetDocumentAsync("/account/register");
        await client.SubmitAsync(page, "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = email,
            ["Input.Password"] = "correct horse battery",
            ["Input.ConfirmPassword"] = "correct horse battery",
        });
        await using var db = portal.Database.NewContext();
        return (client, await db.Users.Where(u => u.UserName == email).Select(u => u.Id).SingleAsync());
    }

    private async Task<Order> VoucherOrderAsync(string userId)
    {
        await using var db = portal.Database.NewContext();
        var plan = TestData.Plan("month", 30, 1980, SimKinds.Both);
        db.Plans.Add(plan);
        var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000042"), SimPin.Hash("1234"), TestData.Epoch);
        var now = portal.Factory.Clock.GetUtcNow();
        sim.AssignTo(userId, now);
        var outcome = sim.ApplyRenewal(plan.Versions.Single(), now);
        var order = Order.ForVoucher(sim, plan.Versions.Single(), outcome, userId, "mei@example.com", "en", "voucher:test", now);
        db.Sims.Add(sim);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        return order;
    }

    [Fact]
    public async Task The_order_history_shows_twenty_orders_a_page_newest_first_and_pages_that_do_not_exist_are_not_found()
    {
        var (client, userId) = await SignUpAsync("mei@example.com");
        var numbers = new List<long>();
        await using (var db = portal.Database.NewContext())
        {
            var plan = TestData.Plan("month", 30, 1980, SimKinds.Both);
            var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000042"), SimPin.Hash("1234"), TestData.Epoch);
            sim.AssignTo(userId, TestData.Epoch);
            db.Plans.Add(plan);
            db.Sims.Add(sim);
            for (var i = 0; i < 45; i++)
            {
                var order = TestOrders.FulfilledRenewal(sim, plan.Versions.Single(), userId, "mei@example.com", TestData.Epoch.AddHours(i));
                db.Orders.Add(order);
                await db.SaveChangesAsync();
                numbers.Add(order.Number);
            }
        }
        numbers.Reverse(); // newest first

        var first = await client.GetDocumentAsync("/orders");
        var third = await client.GetDocumentAsync("/orders?page=3");

        Assert.Equal(numbers.Take(20).Select(n => "#" + n), first.QuerySelectorAll("[data-order-id] .row-title").Select(c => c.TextContent.Trim()));
        Assert.Equal("/orders?page=2", first.QuerySelector("[data-testid=page-next]")?.GetAttribute("href"));
        Assert.Null(first.QuerySelector("[data-testid=page-prev]"));
        Assert.Equal(numbers.Skip(40).Select(n => "#" + n), third.QuerySelectorAll("[data-order-id] .row-title").Select(c => c.TextContent.Trim()));
        Assert.Equal("/orders?page=2", third.QuerySelector("[data-testid=page-prev]")?.GetAttribute("href"));
        Assert.Null(third.QuerySelector("[data-testid=page-next]"));
        foreach (var missing in new[] { "4", "0", "-1", "abc", "99999999999", "%00" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/orders?page=" + missing)).StatusCode);
        }
    }

    [Fact]
    public async Task The_order_history_lists_a_voucher_renewal_at_no_charge()
    {
        var (client, userId) = await SignUpAsync("mei@example.com");
        var order = await VoucherOrderAsync(userId);

        var list = await client.GetDocumentAsync("/orders");
        var detail = await client.GetDocumentAsync($"/orders/{order.Id}");

        Assert.Equal("Completed", list.Text($"[data-order-id='{order.Id}'] [data-testid=order-state]"));
        Assert.Equal("¥0", detail.Text("[data-testid=amount]"));
        Assert.Equal($"Renewed with a prepaid voucher. SIM 8981100000000000424 is now valid until {Jst.Format(order.NewExpiresAt!.Value)}.",
            detail.Text("[data-testid=new-expiry]"));
    }

    [Fact]
    public async Task Someone_elses_order_is_not_found()
    {
        var (_, owner) = await SignUpAsync("mei@example.com");
        var order = await VoucherOrderAsync(owner);
        var (stranger, _) = await SignUpAsync("stranger@example.com");

        var response = await stranger.GetAsync($"/orders/{order.Id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Order_pages_require_signing_in()
    {
        var anonymous = portal.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await anonymous.GetAsync("/orders");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
    }
}
