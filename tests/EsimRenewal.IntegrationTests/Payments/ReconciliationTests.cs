using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Payments;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>Webhooks that never arrive: the reconciliation job asks Stripe and settles the order.</summary>
public sealed class ReconciliationTests(PaymentFixture payments) : IClassFixture<PaymentFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await payments.ResetAsync(deliverWebhooks: false);
        await payments.SeedPlansAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(Guid SimId, string SessionId)> PendingOrderAsync()
    {
        var (simId, _, sessionId) = await payments.PendingRenewalAsync();
        return (simId, sessionId);
    }

    private async Task<int> ReconcileAsync()
    {
        await using var scope = payments.Portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Reconciler>().ReconcileAsync();
    }

    private async Task<(Order Order, int Renewals)> StateAsync(Guid simId)
    {
        await using var db = payments.Database.NewContext();
        return (await db.Orders.AsNoTracking().SingleAsync(), (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId)).RenewalCount);
    }

    [Fact]
    public async Task A_paid_order_whose_webhook_never_came_is_fulfilled_by_reconciliation()
    {
        var (simId, sessionId) = await PendingOrderAsync();
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        Assert.Equal(OrderState.PendingPayment, (await StateAsync(simId)).Order.State);

        Assert.Equal(0, await ReconcileAsync()); // too young: the webhook may still come
        payments.Portal.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(1, await ReconcileAsync());

        var (order, renewals) = await StateAsync(simId);
        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(2, renewals);
        Assert.Equal(0, await ReconcileAsync()); // nothing left; running again changes nothing
        Assert.Equal(2, (await StateAsync(simId)).Renewals);
    }

    [Fact]
    public async Task An_order_whose_session_id_was_never_saved_is_found_by_listing_sessions()
    {
        var (simId, sessionId) = await PendingOrderAsync();
        await using (var db = payments.Database.NewContext())
        {
            // A crash between creating the session and saving its id.
            await db.Database.ExecuteSqlAsync($"UPDATE orders SET checkout_session_id = NULL");
        }
        await payments.Emulator.PaySuccessfullyAsync(sessionId);
        payments.Portal.Clock.Advance(TimeSpan.FromMinutes(6));

        await ReconcileAsync();

        var (order, renewals) = await StateAsync(simId);
        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(sessionId, order.CheckoutSessionId);
        Assert.Equal(2, renewals);
    }

    [Fact]
    public async Task An_expired_checkout_is_closed_by_reconciliation()
    {
        var (simId, sessionId) = await PendingOrderAsync();
        await payments.Emulator.Sessions.ExpireAsync(sessionId);
        payments.Portal.Clock.Advance(TimeSpan.FromMinutes(6));

        await ReconcileAsync();

        var (order, renewals) = await StateAsync(simId);
        Assert.Equal(OrderState.Expired, order.State);
        Assert.Equal(1, renewals);
    }

    [Fact]
    public async Task An_open_unpaid_checkout_is_left_alone()
    {
        var (simId, _) = await PendingOrderAsync();
        payments.Portal.Clock.Advance(TimeSpan.FromMinutes(6));

        await ReconcileAsync();

        Assert.Equal(OrderState.PendingPayment, (await StateAsync(simId)).Order.State);
    }
}
