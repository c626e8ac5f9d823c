using System.Net;
using System.Text.Json.Nodes;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>
/// Correctly signed events that still must not pay an order: another currency or amount, the other
/// Stripe mode than the configured key's, or a session that is not the order's. Each changes nothing
/// (not even the processed-event record) and is logged as critical.
/// </summary>
public sealed class WebhookMismatchTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await payments.ResetAsync(deliverWebhooks: false);
        await payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> PostSignedAsync(string payload) =>
        await payments.PostWebhookAsync(payments.NewClient(), payload, PaymentFixture.Sign(payload, PortalFactory.StripeWebhookSecret, DateTimeOffset.UtcNow));

    private async Task AssertNothingChangedAsync(Guid simId, Guid orderId, string sessionId)
    {
        await using var db = payments.Database.NewContext();
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId);
        Assert.Equal(OrderState.PendingPayment, order.State);
        Assert.Equal(sessionId, order.CheckoutSessionId);
        Assert.Null(order.PaymentMethod);
        Assert.Null(order.PaidAt);
        Assert.Equal(1, (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId)).RenewalCount);
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
        Assert.Equal(0, await db.ProcessedStripeEvents.CountAsync());
    }

    private void AssertLoggedCritically(string reason) =>
        Assert.Contains(payments.Portal.Logs.Lines, l => l.StartsWith("[Fatal]", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));

    /// <summary>The real completed event of the paid session, with one field of its session changed, then signed.</summary>
    private static string Altered(string rawEvent, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(rawEvent)!.AsObject();
        change(json);
        return json.ToJsonString();
    }

    [Theory]
    [InlineData("usd", 1980, "the currency is not jpy")]
    [InlineData("JPYX", 1980, "the currency is not jpy")]
    [InlineData("jpy", 19, "the amount is not the order's")]
    [InlineData("jpy", 198000, "the amount is not the order's")]
    public async Task A_paid_event_in_another_currency_or_amount_changes_nothing(string currency, long amount, string reason)
    {
        var (simId, orderId, sessionId) = await payments.PendingRenewalAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = Altered(await payments.RawEventAsync("checkout.session.completed", sessionId), e =>
        {
            e["data"]!["object"]!["currency"] = currency;
            e["data"]!["object"]!["amount_total"] = amount;
        });

        var response = await PostSignedAsync(payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertNothingChangedAsync(simId, orderId, sessionId);
        AssertLoggedCritically(reason);
    }

    [Fact]
    public async Task A_live_mode_event_reaching_a_portal_with_a_test_key_changes_nothing()
    {
        var (simId, orderId, sessionId) = await payments.PendingRenewalAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = Altered(await payments.RawEventAsync("checkout.session.completed", sessionId), e =>
        {
            e["livemode"] = true;
            e["data"]!["object"]!["livemode"] = true;
        });

        var response = await PostSignedAsync(payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertNothingChangedAsync(simId, orderId, sessionId);
        AssertLoggedCritically("livemode True but the configured key is \"test\"");
    }

    [Fact]
    public async Task A_paid_session_that_is_not_the_orders_own_changes_nothing()
    {
        var (simId, orderId, sessionId) = await payments.PendingRenewalAsync();
        // Another session naming the same order, for the same amount in yen: paid, but not the one the order made.
        var options = EmulatorFixture.NewSession(1980);
        options.Metadata = new Dictionary<string, string> { ["order_id"] = orderId.ToString() };
        options.ClientReferenceId = orderId.ToString();
        var other = await payments.Emulator.Sessions.CreateAsync(options);
        await payments.Emulator.PaySuccessfullyAsync(other.Id);

        var response = await PostSignedAsync(await payments.RawEventAsync("checkout.session.completed", other.Id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertNothingChangedAsync(simId, orderId, sessionId);
        AssertLoggedCritically("the session is not the order's");
    }

    [Fact]
    public async Task The_unaltered_event_still_fulfils_the_order()
    {
        var (simId, orderId, sessionId) = await payments.PendingRenewalAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = Altered(await payments.RawEventAsync("checkout.session.completed", sessionId), _ => { });

        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync(payload)).StatusCode);

        await using var db = payments.Database.NewContext();
        Assert.Equal(OrderState.Fulfilled, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId)).State);
        Assert.Equal(2, (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId)).RenewalCount);
    }
}
