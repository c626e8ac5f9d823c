using System.Diagnostics;
using Stripe;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

/// <summary>Signed webhook delivery to a receiver on real Kestrel, with retries and the test switches.</summary>
public sealed class WebhookDeliveryTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        await emulator.ResetAsync();
        _receiver = await WebhookReceiver.StartAsync();
        await emulator.ConfigureWebhookAsync(_receiver.Url, EmulatorFixture.WebhookSecret);
    }

    public async Task DisposeAsync()
    {
        await emulator.ResetAsync();
        await _receiver.DisposeAsync();
    }

    private static Event Verified(ReceivedWebhook webhook) =>
        EventUtility.ConstructEvent(webhook.Body, webhook.Signature, EmulatorFixture.WebhookSecret);

    [Fact]
    public async Task Delivered_events_are_signed_so_that_EventUtility_ConstructEvent_accepts_them()
    {
        var session = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(session.Id);

        var webhook = Assert.Single(await _receiver.WaitForAsync(1));
        var stripeEvent = Verified(webhook);

        Assert.Matches(@"^t=\d+,v1=[0-9a-f]{64}$", webhook.Signature);
        Assert.Equal("checkout.session.completed", stripeEvent.Type);
        Assert.Equal(StripeConfiguration.ApiVersion, stripeEvent.ApiVersion);
        Assert.Equal(1, stripeEvent.PendingWebhooks);
        var paid = Assert.IsType<Session>(stripeEvent.Data.Object);
        Assert.Equal(session.Id, paid.Id);
        Assert.Equal("paid", paid.PaymentStatus);
        Assert.Equal("42", paid.Metadata["order_id"]);
        Assert.Equal(stripeEvent.Id, (await emulator.Events.GetAsync(stripeEvent.Id)).Id);
    }

    [Fact]
    public async Task A_delivered_event_is_rejected_with_a_wrong_secret_or_a_tampered_body()
    {
        var session = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(session.Id);
        var webhook = Assert.Single(await _receiver.WaitForAsync(1));

        Assert.Throws<StripeException>(() => EventUtility.ConstructEvent(webhook.Body, webhook.Signature, "whsec_some_other_secret"));
        Assert.Throws<StripeException>(() =>
            EventUtility.ConstructEvent(webhook.Body.Replace("\"paid\"", "\"unpaid\"", StringComparison.Ordinal), webhook.Signature, EmulatorFixture.WebhookSecret));
    }

    [Fact]
    public async Task A_500_from_the_receiver_is_retried_with_back_off_until_it_succeeds()
    {
        _receiver.FailFirst = 2;
        var session = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(session.Id);

        var received = await _receiver.WaitForAsync(3);

        Assert.Equal([500, 500, 200], received.Select(r => r.AnsweredWith));
        Assert.Single(received.Select(r => Verified(r).Id).Distinct());
        // Base delay 200 ms, doubling: the second retry waits longer than the first.
        var firstGap = received[1].At - received[0].At;
        var secondGap = received[2].At - received[1].At;
        Assert.True(firstGap >= TimeSpan.FromMilliseconds(150), $"first retry after {firstGap}");
        Assert.True(secondGap >= TimeSpan.FromMilliseconds(350), $"second retry after {secondGap}");
        // The emulator records an attempt once the receiver's answer is back: the third may still be on its way.
        var attempts = await emulator.DeliveriesAsync(Verified(received[0]).Id);
        for (var i = 0; i < 50 && attempts.Length < 3; i++)
        {
            await Task.Delay(100);
            attempts = await emulator.DeliveriesAsync(Verified(received[0]).Id);
        }
        Assert.Equal([1, 2, 3], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_retried_and_each_attempt_is_recorded()
    {
        await emulator.ConfigureWebhookAsync("http://127.0.0.1:9/stripe/webhook");
        var session = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(session.Id);
        var stripeEvent = Assert.Single(await emulator.EventsAboutAsync(session.Id));

        var attempts = await Eventually.Within(
            TimeSpan.FromSeconds(10), () => emulator.DeliveriesAsync(stripeEvent.Id), a => a.Length >= 2);

        Assert.True(attempts.Length >= 2);
        Assert.All(attempts, a => Assert.False(string.IsNullOrEmpty(a.GetProperty("error").GetString())));
        Assert.Empty(_receiver.Received);
    }

    [Fact]
    public async Task The_duplicate_switch_delivers_each_event_several_times()
    {
        await emulator.SetDeliveryAsync(copies: 3);
        var session = await emulator.CreateSessionAsync();
        await emulator.PaySuccessfullyAsync(session.Id);

        var received = await _receiver.WaitForAsync(3);
        await Task.Delay(300);

        Assert.Equal(3, _receiver.Received.Count);
        Assert.Single(received.Select(r => Verified(r).Id).Distinct());
    }

    [Fact]
    public async Task Held_events_released_in_reverse_arrive_out_of_order()
    {
        await emulator.SetDeliveryAsync(hold: true);
        var session = await emulator.CreateSessionAsync(1500, "konbini");
        await emulator.PaySuccessfullyAsync(session.Id, "konbini");
        await emulator.PaySuccessfullyAsync(session.Id, "konbini-paid");
        await Task.Delay(300);
        Assert.Empty(_receiver.Received);

        var released = await emulator.ReleaseHeldEventsAsync(reverse: true);
        var received = await _receiver.WaitForAsync(2);

        Assert.Equal(2, released);
        Assert.Equal(
            ["checkout.session.async_payment_succeeded", "checkout.session.completed"],
            received.Select(r => Verified(r).Type));
    }

    [Fact]
    public async Task The_delay_switch_delivers_events_late()
    {
        await emulator.SetDeliveryAsync(delayMs: 1500);
        var session = await emulator.CreateSessionAsync();
        var clock = Stopwatch.StartNew();
        await emulator.PaySuccessfullyAsync(session.Id);

        await Task.Delay(700);
        Assert.Empty(_receiver.Received);
        Assert.Single(await _receiver.WaitForAsync(1));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1400), $"delivered after {clock.Elapsed}");
    }

    [Fact]
    public async Task Expired_sessions_and_refunds_are_delivered_too()
    {
        var expiring = await emulator.CreateSessionAsync();
        var refunded = await emulator.CreateSessionAsync();
        await emulator.Sessions.ExpireAsync(expiring.Id);
        await emulator.PaySuccessfullyAsync(refunded.Id);
        var paymentIntent = (await emulator.Sessions.GetAsync(refunded.Id)).PaymentIntentId;
        await emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent });

        var received = await _receiver.WaitForAsync(3);

        Assert.Equal(
            ["checkout.session.expired", "checkout.session.completed", "charge.refunded"],
            received.Select(r => Verified(r).Type));
        var charge = Assert.IsType<Charge>(Verified(received[2]).Data.Object);
        Assert.Equal(paymentIntent, charge.PaymentIntentId);
    }
}
