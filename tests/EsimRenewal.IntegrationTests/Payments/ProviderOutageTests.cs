using System.Net;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>
/// Stripe down (the default test portal points Stripe.net at a closed port): buying keeps the order,
/// charges nothing and says so on the order page, instead of failing with a 500.
/// </summary>
public sealed class ProviderOutageTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using var db = portal.Database.NewContext();
        db.Plans.Add(TestData.Plan("week-esim", 7, 1980, SimKinds.Esim));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Buying_while_stripe_cannot_be_reached_keeps_the_order_unpaid_and_says_to_try_again()
    {
        var (client, userId) = await portal.Factory.SignUpAsync("kai@example.com");

        var response = await client.SubmitAsync(await client.GetDocumentAsync("/plans/week-esim"), "[data-testid=buy-form]", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var db = portal.Database.NewContext();
        var order = await db.Orders.AsNoTracking().SingleAsync();
        Assert.Equal($"/orders/{order.Id}", response.Headers.Location!.OriginalString);
        Assert.Equal(userId, order.UserId);
        Assert.Equal(OrderState.PendingPayment, order.State);
        Assert.Null(order.CheckoutSessionId);
        var page = await client.GetDocumentAsync(response.Headers.Location.OriginalString);
        // Said as a notice (warning colours), not as a success.
        Assert.Contains("The payment service cannot be reached right now. Nothing was charged", page.QuerySelector(".status-message.notice")!.TextContent);

        var retry = await client.SubmitAsync(page, "[data-testid=pay-form]", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.Equal($"/orders/{order.Id}", retry.Headers.Location!.OriginalString);
        Assert.Equal(1, await db.Orders.CountAsync());
    }
}
