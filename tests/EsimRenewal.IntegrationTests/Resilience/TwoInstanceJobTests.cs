using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Payments;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Reminders;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;
using EsimRenewal.Web.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>
/// Two portal instances on one database, both running every recurring job: each job's single pass (the
/// unit its background worker loops over) is run on both at once, many times, and every effect happens
/// exactly once. (Sessions and attempt limits across two portal processes: <see cref="TwoProcessesTests"/>.)
/// </summary>
public sealed class TwoInstanceJobTests(TwoInstancesFixture instances) : IClassFixture<TwoInstancesFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => instances.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="pass"/> on both instances at once, each call in its own DI scope, four callers
    /// per instance, each repeating until its pass reports nothing done (or <paramref name="rounds"/>
    /// times, for a pass that reports work it found but left alone); returns the sum of what they did.
    /// </summary>
    private async Task<int> RunOnBothAsync(Func<IServiceProvider, Task<int>> pass, int? rounds = null)
    {
        using var barrier = new Barrier(8);
        var done = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var instance = instances.Instances[i % 2];
            barrier.SignalAndWait();
            var total = 0;
            for (var round = 0; rounds is null || round < rounds; round++)
            {
                await using var scope = instance.Services.CreateAsyncScope();
                var n = await pass(scope.ServiceProvider);
                if (n == 0 && rounds is null)
                {
                    break;
                }
                total += n;
            }
            return total;
        })));
        return done.Sum();
    }

    private Task<int> DispatchCarrierOutboxAsync() =>
        RunOnBothAsync(services => services.GetRequiredService<OutboxDispatcher>().DispatchAsync(batchSize: 5));

    private Task<int> DispatchEmailsAsync() =>
        RunOnBothAsync(services => services.GetRequiredService<EmailOutbox>().DispatchAsync(services.GetRequiredService<EmailComposer>().ComposeAsync, batchSize: 3));

    [Fact]
    public async Task Reconciliation_carrier_outbox_and_receipts_run_on_both_instances_and_each_order_is_fulfilled_notified_and_sent_once()
    {
        var orders = new List<(Guid SimId, Guid OrderId)>();
        for (var i = 0; i < 8; i++)
        {
            var (simId, orderId, sessionId) = await instances.PendingRenewalAsync(instances.Instances[i % 2], $"paid{i}@example.com", $"8981100000000001{i:00}");
            await instances.Emulator.PaySuccessfullyAsync(sessionId);
            orders.Add((simId, orderId));
        }
        var (unpaidSim, unpaidOrder, _) = await instances.PendingRenewalAsync(instances.A, "unpaid@example.com", "898110000000000200");
        instances.AdvanceClocks(TimeSpan.FromMinutes(6)); // the webhooks never came

        // Reconcile reports every order it asked about, settled or still open, so it runs a fixed number of rounds.
        await RunOnBothAsync(services => services.GetRequiredService<Reconciler>().ReconcileAsync(), rounds: 3);
        var carrierMessages = await DispatchCarrierOutboxAsync();
        var emails = await DispatchEmailsAsync();

        await using var db = instances.Database.NewContext();
        foreach (var (simId, orderId) in orders)
        {
            Assert.Equal(OrderState.Fulfilled, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId)).State);
            Assert.Equal(2, (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == simId)).RenewalCount); // seeded + exactly one
            Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.OrderId == orderId));
            Assert.Equal(1, await db.OutgoingEmails.CountAsync(e => e.OrderId == orderId && e.Kind == EmailKind.OrderConfirmation));
        }
        Assert.Equal(OrderState.PendingPayment, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == unpaidOrder)).State);
        Assert.Equal(1, (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == unpaidSim)).RenewalCount);
        // The carrier was called once per renewal, by whichever instance claimed it.
        Assert.Equal(8, carrierMessages);
        Assert.Equal(8, instances.Carrier.Calls.Count);
        Assert.All(instances.Carrier.Calls, call => Assert.Equal(1, call.Value));
        Assert.Equal(8, await db.SimulatedCarrierCalls.CountAsync());
        Assert.True(await db.OutboxMessages.AllAsync(m => m.DeliveredAt != null && m.Attempts == 1));
        // One receipt per traveller, handed to the mail server once.
        Assert.Equal(8, emails);
        var sent = instances.Emails.Messages.ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"paid{i}@example.com").Order(), sent.Select(m => m.To).Order());
        Assert.True(await db.OutgoingEmails.AllAsync(e => e.SentAt != null && e.Attempts == 1));
    }

    [Fact]
    public async Task Reminders_queued_and_sent_by_both_instances_at_once_reach_each_owner_once()
    {
        var version = await instances.MonthVersionIdAsync();
        var now = instances.A.Clock.GetUtcNow();
        var sims = new List<Guid>();
        await using (var db = instances.Database.NewContext())
        {
            var plan = await db.PlanVersions.SingleAsync(v => v.Id == version);
            for (var i = 0; i < 30; i++)
            {
                var user = new ApplicationUser { UserName = $"soon{i}@example.com", Email = $"soon{i}@example.com", PreferredCulture = "ja", CreatedAt = TestData.Epoch };
                db.Users.Add(user);
                var sim = Sim.RegisterPhysical(Iccid.FromBody($"8981100000000003{i:00}"), SimPin.Hash("1234"), TestData.Epoch);
                sim.AssignTo(user.Id, TestData.Epoch);
                sim.ApplyRenewal(plan, now.AddDays(-28)); // expires in about two days: a reminder is due now
                Assert.NotNull(ReminderSchedule.DueAt(sim.ExpiresAt!.Value, now));
                db.Sims.Add(sim);
                sims.Add(sim.Id);
            }
            await db.SaveChangesAsync();
        }

        var queued = await RunOnBothAsync(services => services.GetRequiredService<ReminderService>().QueueDueAsync());
        var emails = await DispatchEmailsAsync();

        Assert.Equal(30, queued);
        Assert.Equal(30, emails);
        await using var after = instances.Database.NewContext();
        Assert.Equal(30, await after.ReminderLogs.CountAsync());
        Assert.Equal(sims.Order(), (await after.OutgoingEmails.Where(e => e.Kind == EmailKind.ExpiryReminder).Select(e => e.SimId!.Value).ToListAsync()).Order());
        var sent = instances.Emails.Messages.ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"soon{i}@example.com").Order(), sent.Select(m => m.To).Order());
    }

    [Fact]
    public async Task A_voucher_batch_generated_by_both_instances_at_once_has_exactly_its_quantity_of_distinct_vouchers()
    {
        var admin = await new VoucherScenario(instances.A).UserAsync("admin@example.com", Roles.Admin);
        Guid batchId;
        await using (var scope = instances.B.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<VoucherBatchService>().CreateAsync(
                new NewVoucherBatch(await instances.MonthVersionIdAsync(), SalesChannels.All.First(), 2_000, DateOnly.FromDateTime(instances.B.Clock.GetUtcNow().UtcDateTime).AddYears(1)),
                new Actor(admin.Id, admin.UserName, null));
            Assert.True(created.Succeeded);
            batchId = created.BatchId!.Value;
        }

        var chunks = await RunOnBothAsync(async services => await services.GetRequiredService<VoucherBatchService>().GenerateNextChunkAsync() ? 1 : 0);

        Assert.Equal(20, chunks); // 2,000 in chunks of 100, each generated by exactly one caller
        await using var db = instances.Database.NewContext();
        var batch = await db.VoucherBatches.AsNoTracking().SingleAsync(b => b.Id == batchId);
        Assert.Equal(2_000, batch.GeneratedCount);
        var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.BatchId == batchId).Select(v => new { v.Serial, v.CodeHash }).ToListAsync();
        Assert.Equal(2_000, vouchers.Count);
        Assert.Equal(2_000, vouchers.Select(v => v.Serial).Distinct().Count());
        Assert.Equal(1_999, vouchers.Max(v => v.Serial) - vouchers.Min(v => v.Serial)); // contiguous serials, no gap from a lost chunk
        Assert.Equal(2_000, vouchers.Select(v => Convert.ToHexString(v.CodeHash)).Distinct().Count());
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "voucher-batch.generated" && a.EntityId == batchId.ToString()));
    }

    [Fact]
    public async Task A_scheduled_price_change_takes_effect_on_both_instances_at_its_time_with_nothing_written()
    {
        var takesEffect = instances.A.Clock.GetUtcNow().AddMinutes(10);
        await using (var db = instances.Database.NewContext())
        {
            var plan = await db.Plans.Include(p => p.Versions).SingleAsync(p => p.Code == "month");
            var terms = plan.VersionOnSaleAt(instances.A.Clock.GetUtcNow()).Terms;
            Assert.True(plan.Revise(terms with { Price = Core.Common.Yen.FromMinorUnits(2180) }, takesEffect, instances.A.Clock.GetUtcNow()).Changed);
            await db.SaveChangesAsync();
        }
        async Task<string[]> PricesAsync() =>
        [
            .. await Task.WhenAll(instances.Instances.Select(async i => (await TwoInstancesFixture.NewClient(i).GetDocumentAsync("/plans/month")).Text("[data-testid=price]"))),
        ];
        async Task<string> PlanRowsAsync()
        {
            await using var db = instances.Database.NewContext();
            return string.Join(",", await db.Database.SqlQuery<string>($"SELECT id::text || ':' || xmin::text AS \"Value\" FROM plan_versions ORDER BY id").ToListAsync());
        }
        var rows = await PlanRowsAsync();

        Assert.Equal(["¥1,980", "¥1,980"], await PricesAsync());
        instances.SetClocks(takesEffect);
        Assert.Equal(["¥2,180", "¥2,180"], await PricesAsync());
        Assert.Equal(rows, await PlanRowsAsync()); // nothing ran and nothing was written: the version on sale is derived from the clock
    }
}
