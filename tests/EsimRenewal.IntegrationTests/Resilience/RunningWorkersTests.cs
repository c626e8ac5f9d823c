using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>
/// The real background workers (timers, loops, the reconciliation's advisory lock) running on two
/// instances over one database, ticking several times a second: every job's work is done, and done once.
/// </summary>
public sealed class RunningWorkersTests(TwoRunningInstancesFixture instances) : IClassFixture<TwoRunningInstancesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => instances.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task With_every_worker_running_on_both_instances_each_order_reminder_carrier_message_email_and_voucher_happens_once()
    {
        // Paid orders whose webhooks never come, SIMs whose reminder is due, a voucher batch requested.
        var orders = new List<(Guid SimId, Guid OrderId)>();
        for (var i = 0; i < 6; i++)
        {
            var (simId, orderId, sessionId) = await instances.PendingRenewalAsync(instances.Instances[i % 2], $"paid{i}@example.com", $"8981100000000001{i:00}");
            await instances.Emulator.PaySuccessfullyAsync(sessionId);
            orders.Add((simId, orderId));
        }
        var now = instances.A.Clock.GetUtcNow();
        await using (var db = instances.Database.NewContext())
        {
            var plan = await db.PlanVersions.SingleAsync();
            for (var i = 0; i < 10; i++)
            {
                var user = new ApplicationUser { UserName = $"soon{i}@example.com", Email = $"soon{i}@example.com", PreferredCulture = "zh-Hans", CreatedAt = TestData.Epoch };
                db.Users.Add(user);
                var sim = Sim.RegisterPhysical(Iccid.FromBody($"8981100000000003{i:00}"), SimPin.Hash("1234"), TestData.Epoch);
                sim.AssignTo(user.Id, TestData.Epoch);
                sim.ApplyRenewal(plan, now.AddDays(-28));
                Assert.NotNull(ReminderSchedule.DueAt(sim.ExpiresAt!.Value, now));
                db.Sims.Add(sim);
            }
            await db.SaveChangesAsync();
        }
        var admin = await new VoucherScenario(instances.A).UserAsync("admin@example.com", Roles.Admin);
        await using (var scope = instances.A.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<VoucherBatchService>().CreateAsync(
                new NewVoucherBatch(await instances.MonthVersionIdAsync(), SalesChannels.All.First(), 1_000, DateOnly.FromDateTime(now.UtcDateTime).AddYears(1)),
                new Actor(admin.Id, admin.UserName, null));
            Assert.True(created.Succeeded);
        }
        instances.AdvanceClocks(TimeSpan.FromMinutes(6)); // old enough for reconciliation

        // 6 receipts + 10 reminders sent, 6 carrier messages delivered, 1,000 vouchers: then a few more ticks.
        for (var wait = 0; wait < 300 && !await AllDoneAsync(); wait++)
        {
            await Task.Delay(100);
        }
        Assert.True(await AllDoneAsync(), "the workers did not finish within 30 s");
        await Task.Delay(1_000);

        await using var after = instances.Database.NewContext();
        foreach (var (simId, orderId) in orders)
        {
            Assert.Equal(OrderState.Fulfilled, (await after.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId)).State);
            Assert.Equal(2, (await after.Sims.AsNoTracking().SingleAsync(s => s.Id == simId)).RenewalCount);
        }
        Assert.Equal(6, instances.Carrier.Calls.Count);
        Assert.All(instances.Carrier.Calls, call => Assert.Equal(1, call.Value));
        var expected = Enumerable.Range(0, 6).Select(i => $"paid{i}@example.com").Concat(Enumerable.Range(0, 10).Select(i => $"soon{i}@example.com")).Order();
        Assert.Equal(expected, instances.Emails.Messages.Select(m => m.To).Order());
        Assert.Equal(1_000, await after.Vouchers.CountAsync());
        Assert.Equal(1_000, await after.Vouchers.Select(v => v.Serial).Distinct().CountAsync());
        Assert.Equal(1_000, (await after.VoucherBatches.AsNoTracking().SingleAsync()).GeneratedCount);
    }

    private async Task<bool> AllDoneAsync()
    {
        await using var db = instances.Database.NewContext();
        return await db.Orders.CountAsync(o => o.State == OrderState.Fulfilled) == 6
            && await db.OutboxMessages.CountAsync(m => m.DeliveredAt != null) == 6
            && await db.OutgoingEmails.CountAsync(e => e.SentAt != null) == 16
            && await db.VoucherBatches.AnyAsync(b => b.GeneratedCount == b.Quantity);
    }
}
