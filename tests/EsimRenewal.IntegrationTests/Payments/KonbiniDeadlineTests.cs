using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Payments;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>
/// A konbini slip whose outcome never reaches the portal: the order waits for Stripe's own deadline
/// (from the payment intent) plus a grace period, then asks Stripe once more and closes it as Expired, or
/// fulfils it when Stripe says it was paid after all; an order Stripe cannot answer about is not asked about
/// forever. The portal's clock is moved; the emulator keeps real time, so it never lapses the slip itself.
/// Each test has its own portal and emulator, because the clock only moves forward.
/// </summary>
public sealed class KonbiniDeadlineTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = new PaymentOptions().KonbiniGracePeriod;
    private static readonly TimeSpan GiveUp = new PaymentOptions().ReconcileGiveUpAfter;
    private readonly PaymentFixture _payments = new();

    public async Task InitializeAsync()
    {
        await _payments.InitializeAsync();
        await _payments.ResetAsync(deliverWebhooks: false);
        await _payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => _payments.DisposeAsync();

    private async Task ReconcileAsync()
    {
        await using var scope = _payments.Portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileAsync();
    }

    private async Task<Order> OrderAsync()
    {
        await using var db = _payments.Database.NewContext();
        return await db.Orders.AsNoTracking().SingleAsync();
    }

    private async Task<int> RenewalsAsync(Guid simId)
    {
        await using var db = _payments.Database.NewContext();
        return (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId)).RenewalCount;
    }

    /// <summary>Until when the store takes the slip, as Stripe's payment intent says.</summary>
    private async Task<DateTimeOffset> StripesDeadlineAsync(string sessionId)
    {
        var session = await _payments.Emulator.Sessions.GetAsync(sessionId);
        var intent = await new PaymentIntentService(_payments.Emulator.Stripe).GetAsync(session.PaymentIntentId);
        Assert.Equal("konbini_display_details", intent.NextAction.Type);
        return new DateTimeOffset(DateTime.SpecifyKind(intent.NextAction.KonbiniDisplayDetails.ExpiresAt, DateTimeKind.Utc));
    }

    private async Task<int> AsksAboutAsync(string sessionId) =>
        (await _payments.Emulator.RequestsAsync($"/v1/checkout/sessions/{sessionId}")).Count(r => r.GetProperty("method").GetString() == "GET");

    /// <summary>A konbini slip taken at checkout; reconciliation has seen it: the order awaits the store payment.</summary>
    private async Task<(Guid SimId, string SessionId, DateTimeOffset Deadline)> AwaitingKonbiniAsync()
    {
        var (simId, _, sessionId) = await _payments.PendingRenewalAsync();
        await _payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini");
        _payments.Portal.Clock.Advance(TimeSpan.FromMinutes(6));
        await ReconcileAsync();
        var order = await OrderAsync();
        Assert.Equal(OrderState.AwaitingAsyncPayment, order.State);
        return (simId, sessionId, order.AsyncPaymentDeadline!.Value);
    }

    [Fact]
    public async Task The_orders_deadline_is_the_one_stripes_payment_gives()
    {
        var (_, sessionId, deadline) = await AwaitingKonbiniAsync();

        Assert.Equal(await StripesDeadlineAsync(sessionId), deadline);
    }

    [Fact]
    public async Task A_slip_whose_failure_event_never_comes_expires_after_stripes_deadline_and_the_grace_period()
    {
        var (simId, sessionId, deadline) = await AwaitingKonbiniAsync();

        _payments.Portal.Clock.SetUtcNow(deadline + Grace - TimeSpan.FromMinutes(1));
        await ReconcileAsync();
        Assert.Equal(OrderState.AwaitingAsyncPayment, (await OrderAsync()).State); // the store payment may still be reported

        var asked = await AsksAboutAsync(sessionId);
        _payments.Portal.Clock.SetUtcNow(deadline + Grace + TimeSpan.FromMinutes(1));
        await ReconcileAsync();

        var order = await OrderAsync();
        Assert.Equal(OrderState.Expired, order.State);
        Assert.Equal(_payments.Portal.Clock.GetUtcNow(), order.ClosedAt);
        Assert.Equal(asked + 1, await AsksAboutAsync(sessionId)); // confirmed with Stripe first
        Assert.Equal(1, await RenewalsAsync(simId));
        await ReconcileAsync();
        Assert.Equal(asked + 1, await AsksAboutAsync(sessionId)); // settled: never asked about again
    }

    [Fact]
    public async Task A_slip_paid_at_the_store_whose_events_were_lost_is_fulfilled_not_expired_after_the_deadline()
    {
        var (simId, sessionId, deadline) = await AwaitingKonbiniAsync();
        await _payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini-paid"); // no webhook delivered

        _payments.Portal.Clock.SetUtcNow(deadline + Grace + TimeSpan.FromHours(1));
        await ReconcileAsync();

        Assert.Equal(OrderState.Fulfilled, (await OrderAsync()).State);
        Assert.Equal(2, await RenewalsAsync(simId));
    }

    [Fact]
    public async Task The_completed_webhook_records_stripes_deadline_rather_than_an_estimate_from_settings()
    {
        var (_, _, sessionId) = await _payments.PendingRenewalAsync();
        await _payments.Emulator.PaySuccessfullyAsync(sessionId, "konbini");
        _payments.Portal.Clock.Advance(TimeSpan.FromDays(2)); // the event arrives late: an estimate would be two days off
        var payload = await _payments.RawEventAsync("checkout.session.completed", sessionId);

        await _payments.PostWebhookAsync(_payments.NewClient(), payload, PaymentFixture.Sign(payload, PortalFactory.StripeWebhookSecret, DateTimeOffset.UtcNow));

        var order = await OrderAsync();
        Assert.Equal(OrderState.AwaitingAsyncPayment, order.State);
        Assert.Equal(await StripesDeadlineAsync(sessionId), order.AsyncPaymentDeadline);
        Assert.NotEqual(Jst.EndOfDay(_payments.Portal.Clock.GetUtcNow().AddDays(3)), order.AsyncPaymentDeadline);
    }

    [Fact]
    public async Task Reconciliation_stops_asking_about_an_order_stripe_cannot_answer_for_a_fixed_time_after_its_deadline()
    {
        var (_, _, deadline) = await AwaitingKonbiniAsync();
        const string lost = "cs_test_unknown_to_stripe";
        await using (var db = _payments.Database.NewContext())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE orders SET checkout_session_id = {lost}");
        }

        _payments.Portal.Clock.SetUtcNow(deadline + Grace + TimeSpan.FromHours(1));
        await ReconcileAsync();
        _payments.Portal.Clock.SetUtcNow(deadline + GiveUp - TimeSpan.FromMinutes(1));
        await ReconcileAsync();
        Assert.Equal(2, await AsksAboutAsync(lost)); // asked while it may still be settled, never expired unconfirmed
        Assert.Equal(OrderState.AwaitingAsyncPayment, (await OrderAsync()).State);

        _payments.Portal.Clock.SetUtcNow(deadline + GiveUp + TimeSpan.FromMinutes(1));
        await ReconcileAsync();
        await ReconcileAsync();

        Assert.Equal(2, await AsksAboutAsync(lost));
        Assert.Contains(_payments.Portal.Logs.Lines, l => l.Contains("Could not ask the payment provider about order", StringComparison.Ordinal));
    }
}
