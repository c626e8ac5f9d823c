using EsimRenewal.StripeEmulator;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

/// <summary>An emulator whose sessions live one second, swept every 100 ms.</summary>
public sealed class ShortLivedSessionsFixture : EmulatorFixture
{
    protected override void Configure(EmulatorOptions options)
    {
        base.Configure(options);
        options.SessionLifetime = TimeSpan.FromSeconds(1);
        options.ExpirySweepInterval = TimeSpan.FromMilliseconds(100);
    }
}

public sealed class SessionExpiryTests(ShortLivedSessionsFixture emulator) : IClassFixture<ShortLivedSessionsFixture>
{
    [Fact]
    public async Task A_session_past_its_expires_at_is_expired_by_the_sweep_with_a_checkout_session_expired_event()
    {
        var session = await emulator.CreateSessionAsync();
        Assert.Equal("open", session.Status);

        var expired = await Eventually.Within(
            TimeSpan.FromSeconds(10), () => emulator.Sessions.GetAsync(session.Id), s => s.Status == "expired");

        Assert.Equal("expired", expired.Status);
        var expiredEvent = Assert.Single(await emulator.EventsAboutAsync(session.Id, "checkout.session.expired"));
        Assert.Null(expiredEvent.Request.Id);
    }

    [Fact]
    public async Task A_session_past_its_expires_at_can_no_longer_be_paid()
    {
        var session = await emulator.CreateSessionAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.2));

        using var response = await emulator.PayAsync(session.Id, "card");

        Assert.False(response.IsSuccessStatusCode);
        Assert.NotEqual("paid", (await emulator.Sessions.GetAsync(session.Id)).PaymentStatus);
    }

    [Fact]
    public async Task An_expires_at_less_than_30_minutes_ahead_is_rejected_like_Stripe()
    {
        var options = EmulatorFixture.NewSession();
        options.ExpiresAt = DateTime.UtcNow.AddMinutes(5);

        var error = await Assert.ThrowsAsync<Stripe.StripeException>(() => emulator.Sessions.CreateAsync(options));

        Assert.Equal("expires_at", error.StripeError.Param);
    }

    [Fact]
    public async Task An_explicit_expires_at_is_kept()
    {
        var options = EmulatorFixture.NewSession();
        var expiresAt = DateTime.UtcNow.AddHours(2);
        options.ExpiresAt = expiresAt;

        var session = await emulator.Sessions.CreateAsync(options);

        Assert.InRange(session.ExpiresAt, expiresAt.AddSeconds(-1), expiresAt.AddSeconds(1));
        Assert.Equal("open", (await emulator.Sessions.ListAsync(new SessionListOptions { Limit = 1 })).Data[0].Status);
    }
}
