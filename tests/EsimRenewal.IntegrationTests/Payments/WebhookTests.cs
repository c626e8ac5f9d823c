using System.Net;
using EsimRenewal.Core.Orders;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Npgsql;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>
/// The webhook endpoint under the conditions real storefronts get wrong: repeated, concurrent,
/// out-of-order and forged deliveries. Events are the emulator's own (held back from delivery) and
/// are posted by the test.
/// </summary>
public sealed class WebhookTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await payments.ResetAsync(deliverWebhooks: false);
        await payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<(Guid SimId, Guid OrderId, string SessionId)> PendingOrderAsync() => payments.PendingRenewalAsync();

    private async Task<(OrderState State, int Renewals, int Outbox, int Events)> SnapshotAsync(Guid simId)
    {
        await using var db = payments.Database.NewContext();
        var order = await db.Orders.AsNoTracking().SingleAsync();
        var sim = await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId);
        return (order.State, sim.RenewalCount, await db.OutboxMessages.CountAsync(), await db.ProcessedStripeEvents.CountAsync());
    }

    private Task<HttpResponseMessage> PostSignedAsync(HttpClient client, string payload) =>
        payments.PostWebhookAsync(client, payload, PaymentFixture.Sign(payload, PortalFactory.StripeWebhookSecret, DateTimeOffset.UtcNow));

    [Fact]
    public async Task The_same_signed_event_delivered_20_times_at_once_fulfils_once()
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = await payments.RawEventAsync("checkout.session.completed", sessionId);
        var clients = Enumerable.Range(0, 20).Select(_ => payments.NewClient()).ToList();
        using var barrier = new Barrier(clients.Count);

        var responses = await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await PostSignedAsync(client, payload);
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var (state, renewals, outbox, events) = await SnapshotAsync(simId);
        Assert.Equal(OrderState.Fulfilled, state);
        Assert.Equal(2, renewals); // seeded activation + exactly one renewal
        Assert.Equal(1, outbox);
        Assert.Equal(1, events);
    }

    [Fact]
    public async Task A_verified_event_is_applied_even_when_stripe_stops_waiting_for_the_answer()
    {
        var (simId, orderId, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = await payments.RawEventAsync("checkout.session.completed", sessionId);

        await using (var other = new NpgsqlConnection(payments.Database.ConnectionString))
        {
            // The order row is busy (a slow host, another request), so the delivery outlasts Stripe's patience.
            await other.OpenAsync();
            await using var busy = await other.BeginTransactionAsync();
            await using (var lockOrder = new NpgsqlCommand("SELECT 1 FROM orders WHERE id = $1 FOR UPDATE", other, busy))
            {
                lockOrder.Parameters.AddWithValue(orderId);
                await lockOrder.ExecuteNonQueryAsync();
            }
            using var impatient = payments.NewClient();
            impatient.Timeout = TimeSpan.FromSeconds(1);

            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => PostSignedAsync(impatient, payload));
            await Task.Delay(TimeSpan.FromSeconds(1)); // the portal sees the connection go while it waits for the row
        }

        // No retry was sent: the delivery Stripe gave up on finished its work once the row was free.
        await Eventually.Within(TimeSpan.FromSeconds(30), () => SnapshotAsync(simId), s => s.State == OrderState.Fulfilled);
        Assert.Equal((OrderState.Fulfilled, 2, 1, 1), await SnapshotAsync(simId));
    }

    [Fact]
    public async Task The_webhook_and_the_success_page_racing_fulfil_once()
    {
        var (simId, orderId, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = await payments.RawEventAsync("checkout.session.completed", sessionId);
        var owner = payments.NewClient();
        var signIn = await owner.GetDocumentAsync("/account/login");
        await owner.SubmitAsync(signIn, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "mei@example.com",
            ["Input.Password"] = "correct horse battery",
        });
        using var barrier = new Barrier(10);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            if (i % 2 == 0)
            {
                await PostSignedAsync(payments.NewClient(), payload);
            }
            else
            {
                (await owner.GetAsync($"/orders/{orderId}?session_id={sessionId}")).AssertNotServerError();
            }
        })));

        var (state, renewals, outbox, _) = await SnapshotAsync(simId);
        Assert.Equal(OrderState.Fulfilled, state);
        Assert.Equal(2, renewals);
        Assert.Equal(1, outbox);
    }

    [Fact]
    public async Task Konbini_async_success_arriving_before_completed_ends_fulfilled()
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini");
        await payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini-paid");
        var completed = await payments.RawEventAsync("checkout.session.completed", sessionId);
        var succeeded = await payments.RawEventAsync("checkout.session.async_payment_succeeded", sessionId);
        var client = payments.NewClient();

        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync(client, succeeded)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync(client, completed)).StatusCode);

        var (state, renewals, outbox, _) = await SnapshotAsync(simId);
        Assert.Equal(OrderState.Fulfilled, state);
        Assert.Equal(2, renewals);
        Assert.Equal(1, outbox);
    }

    [Fact]
    public async Task Konbini_completed_waits_for_the_store_payment_and_a_failed_payment_closes_the_order()
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini");
        var client = payments.NewClient();

        await PostSignedAsync(client, await payments.RawEventAsync("checkout.session.completed", sessionId));
        Assert.Equal(OrderState.AwaitingAsyncPayment, (await SnapshotAsync(simId)).State);

        await payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini-failed");
        await PostSignedAsync(client, await payments.RawEventAsync("checkout.session.async_payment_failed", sessionId));

        var (state, renewals, outbox, _) = await SnapshotAsync(simId);
        Assert.Equal(OrderState.Failed, state);
        Assert.Equal(1, renewals);
        Assert.Equal(0, outbox);
    }

    [Fact]
    public async Task An_expired_event_after_completion_leaves_the_order_fulfilled()
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var completed = await payments.RawEventAsync("checkout.session.completed", sessionId);
        var lateExpired = completed
            .Replace("\"checkout.session.completed\"", "\"checkout.session.expired\"", StringComparison.Ordinal)
            .Replace("\"status\": \"complete\"", "\"status\": \"expired\"", StringComparison.Ordinal)
            .Replace("\"status\":\"complete\"", "\"status\":\"expired\"", StringComparison.Ordinal)
            .Replace("\"id\": \"evt_", "\"id\": \"evt_late", StringComparison.Ordinal)
            .Replace("\"id\":\"evt_", "\"id\":\"evt_late", StringComparison.Ordinal);
        var client = payments.NewClient();

        await PostSignedAsync(client, completed);
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync(client, lateExpired)).StatusCode);

        var (state, renewals, _, events) = await SnapshotAsync(simId);
        Assert.Equal(OrderState.Fulfilled, state);
        Assert.Equal(2, renewals);
        Assert.Equal(2, events); // both recorded; the late one changed nothing
    }

    [Fact]
    public async Task An_expired_checkout_closes_the_unpaid_order()
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.Sessions.ExpireAsync(sessionId);

        await PostSignedAsync(payments.NewClient(), await payments.RawEventAsync("checkout.session.expired", sessionId));

        var (state, renewals, _, _) = await SnapshotAsync(simId);
        Assert.Equal(OrderState.Expired, state);
        Assert.Equal(1, renewals);
    }

    [Fact]
    public async Task Events_delivered_by_the_emulator_in_reverse_order_end_in_the_right_state()
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.SetDeliveryAsync(hold: true);
        await payments.Emulator.ConfigureWebhookAsync(payments.WebhookUrl, PortalFactory.StripeWebhookSecret);
        await payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini");
        await payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini-paid");

        Assert.Equal(2, await payments.Emulator.ReleaseHeldEventsAsync(reverse: true));
        for (var i = 0; i < 100 && (await SnapshotAsync(simId)).Events < 2; i++)
        {
            await Task.Delay(100);
        }

        var (state, renewals, outbox, events) = await SnapshotAsync(simId);
        Assert.Equal(2, events);
        Assert.Equal(OrderState.Fulfilled, state);
        Assert.Equal(2, renewals);
        Assert.Equal(1, outbox);
        await payments.Emulator.SetDeliveryAsync(hold: false);
    }

    [Fact]
    public async Task A_full_refund_marks_the_paid_order_refunded()
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var client = payments.NewClient();
        await PostSignedAsync(client, await payments.RawEventAsync("checkout.session.completed", sessionId));
        var paymentIntent = (await payments.Emulator.Sessions.GetAsync(sessionId)).PaymentIntentId;
        await payments.Emulator.Refunds.CreateAsync(new Stripe.RefundCreateOptions { PaymentIntent = paymentIntent });

        var refunded = await payments.RawEventAsync("charge.refunded", paymentIntent, "payment_intent");
        Assert.Equal(HttpStatusCode.OK, (await PostSignedAsync(client, refunded)).StatusCode);

        Assert.Equal(OrderState.Refunded, (await SnapshotAsync(simId)).State);
    }

    public static TheoryData<string> Forgeries => ["unsigned", "wrong secret", "tampered body", "stale", "garbage signature", "not json"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task Unverifiable_webhooks_get_400_and_change_nothing(string forgery)
    {
        var (simId, _, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        var payload = await payments.RawEventAsync("checkout.session.completed", sessionId);
        var now = DateTimeOffset.UtcNow;
        var (body, signature) = forgery switch
        {
            "unsigned" => (payload, (string?)null),
            "wrong secret" => (payload, PaymentFixture.Sign(payload, "whsec_attacker", now)),
            "tampered body" => (payload.Replace("1980", "1", StringComparison.Ordinal), PaymentFixture.Sign(payload, PortalFactory.StripeWebhookSecret, now)),
            "stale" => (payload, PaymentFixture.Sign(payload, PortalFactory.StripeWebhookSecret, now.AddSeconds(-301))),
            "garbage signature" => (payload, "t=abc,v1=zzz"),
            _ => ("{not json", PaymentFixture.Sign("{not json", PortalFactory.StripeWebhookSecret, now)),
        };

        var response = await payments.PostWebhookAsync(payments.NewClient(), body, signature);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (state, renewals, outbox, events) = await SnapshotAsync(simId);
        Assert.Equal(OrderState.PendingPayment, state);
        Assert.Equal(1, renewals);
        Assert.Equal(0, outbox);
        Assert.Equal(0, events);
    }
}
