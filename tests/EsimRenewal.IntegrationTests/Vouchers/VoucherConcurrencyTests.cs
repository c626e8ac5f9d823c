using System.Diagnostics;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>
/// Exactly once, by the database: many simultaneous redemptions of one code, through the traveller and
/// the staff paths, each on its own DbContext and connection, released together by a barrier.
/// </summary>
public sealed class VoucherConcurrencyTests(PortalFixture portal, ITestOutputHelper output) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private const int Attempts = 200;
    private const int Rounds = 20;

    private readonly VoucherScenario _scenario = new(portal.Factory);

    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_hundred_simultaneous_redemptions_of_one_code_succeed_exactly_once_in_every_round()
    {
        var traveller = await _scenario.UserAsync("mei@example.com", Roles.Traveller);
        var staff = await _scenario.UserAsync("desk@example.com", Roles.Staff);
        var plan = await _scenario.PlanAsync("jp-7d", 7, SimKinds.Both);
        var sim = await _scenario.SimAsync(traveller.Id, SimKind.Physical, plan);
        var (_, codes) = await _scenario.BatchAsync(plan, staff.Id, count: Rounds);
        // A pool of the test's own, smaller than the number of attempts: connections are shared out
        // and contended for, as under load, while every attempt still has its own DbContext.
        var connectionString = new NpgsqlConnectionStringBuilder(portal.Database.ConnectionString) { MaxPoolSize = 80, ApplicationName = "voucher-race" }.ConnectionString;

        for (var round = 0; round < Rounds; round++)
        {
            var code = codes[round].ToString();
            var before = await _scenario.ReloadSimAsync(sim.Id);
            using var barrier = new Barrier(Attempts);
            var clock = Stopwatch.StartNew();

            var attempts = Enumerable.Range(0, Attempts).Select(i => Task.Factory.StartNew(async () =>
            {
                var options = new DbContextOptionsBuilder<EsimDbContext>();
                EsimDatabase.Configure(options, connectionString);
                await using var db = new EsimDbContext(options.Options);
                var service = _scenario.RedemptionService(db);
                var viaStaff = i % 2 == 1;
                barrier.SignalAndWait(); // all 200 leave together
                return viaStaff
                    ? await service.RedeemAsync(code.ToLowerInvariant(), SimKey.ByIccid(Iccid.Parse(sim.Iccid)), VoucherScenario.Staff(staff))
                    : await service.RedeemAsync(code, SimKey.Owned(sim.Id), VoucherScenario.Traveller(traveller));
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();
            var results = await Task.WhenAll(attempts);
            output.WriteLine($"round {round}: {clock.ElapsedMilliseconds} ms");

            var winner = Assert.Single(results, r => r.Succeeded);
            var losers = results.Where(r => !r.Succeeded).ToList();
            Assert.Equal(Attempts - 1, losers.Count);
            Assert.All(losers, r => Assert.Equal(VoucherRefusal.AlreadyRedeemed, r.Failure!.Reason));
            // "Already redeemed (when, by which channel)": the losers are told about the winner.
            var redemption = await SingleRedemptionAsync(winner.Value!.RedemptionId);
            Assert.All(losers, r => Assert.Equal(redemption.RedeemedAt, r.Failure!.RedeemedAt));
            Assert.All(losers, r => Assert.Equal(redemption.Channel, r.Failure!.RedeemedVia));

            var after = await _scenario.ReloadSimAsync(sim.Id);
            Assert.Equal(before.RenewalCount + 1, after.RenewalCount);
            Assert.Equal(Jst.EndOfDay(before.ExpiresAt!.Value.AddDays(7)), after.ExpiresAt);
            Assert.Equal(before.DataLeftMb + 10_240, after.DataLeftMb);
            await AssertRedeemedOnceAsync(winner.Value.RedemptionId, round + 1);
        }
    }

    private async Task<VoucherRedemption> SingleRedemptionAsync(Guid redemptionId)
    {
        await using var db = portal.Database.NewContext();
        return await db.VoucherRedemptions.AsNoTracking().SingleAsync(r => r.Id == redemptionId);
    }

    private async Task AssertRedeemedOnceAsync(Guid redemptionId, int roundsSoFar)
    {
        await using var db = portal.Database.NewContext();
        var redemption = await db.VoucherRedemptions.AsNoTracking().SingleAsync(r => r.Id == redemptionId);
        Assert.Equal(1, await db.VoucherRedemptions.CountAsync(r => r.VoucherId == redemption.VoucherId));
        Assert.Equal(VoucherState.Redeemed, (await db.Vouchers.AsNoTracking().SingleAsync(v => v.Id == redemption.VoucherId)).State);
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == redemption.OrderId);
        Assert.Equal(OrderKind.Voucher, order.Kind);
        Assert.Equal(0, order.Amount.Amount);
        Assert.Equal(roundsSoFar, await db.Orders.CountAsync());
        Assert.Equal(roundsSoFar, await db.VoucherRedemptions.CountAsync());
        Assert.Equal(roundsSoFar, await db.OutboxMessages.CountAsync());
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "voucher.redeemed" && a.EntityId == redemption.VoucherId.ToString()));
        var message = Core.Carrier.CarrierOutbox.ReadValidityChanged(await db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).LastAsync());
        Assert.Equal(redemption.Id.ToString(), message.RequestId);
    }
}
