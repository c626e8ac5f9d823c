using EsimRenewal.Core.Common;
using EsimRenewal.Core.Sims;
using EsimRenewal.UnitTests.Plans;

namespace EsimRenewal.UnitTests.Sims;

public class RenewalRollbackTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Previous = Jst.EndOfDay(new DateOnly(2026, 12, 10));
    private static readonly DateTimeOffset Renewed = Jst.EndOfDay(new DateOnly(2027, 1, 9)); // 30 days later

    [Fact]
    public void A_renewal_whose_days_have_not_begun_goes_back_to_the_previous_expiry()
    {
        Assert.Equal(Previous, RenewalRollback.ExpiryAfterRefund(Previous, Renewed, Renewed, Now));
    }

    [Fact]
    public void When_the_sim_was_renewed_again_after_it_only_this_renewals_days_are_taken_back()
    {
        var later = Jst.EndOfDay(new DateOnly(2027, 2, 8)); // another 30 days on top

        Assert.Equal(Renewed, RenewalRollback.ExpiryAfterRefund(Previous, Renewed, later, Now));
    }

    [Fact]
    public void A_renewal_that_started_at_once_or_whose_days_have_begun_is_in_use()
    {
        Assert.Null(RenewalRollback.ExpiryAfterRefund(null, Renewed, Renewed, Now));
        Assert.Null(RenewalRollback.ExpiryAfterRefund(Previous, Renewed, Renewed, Previous));
        Assert.Null(RenewalRollback.ExpiryAfterRefund(Previous, Renewed, Renewed, Previous.AddDays(1)));
    }

    [Fact]
    public void Rolling_back_a_sim_takes_back_the_days_and_the_data_the_renewal_added()
    {
        var month = TestPlans.Limited(days: 30, dataMb: 10_240);
        var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000001"), "hash", Now.AddDays(-20));
        sim.ApplyRenewal(month, Now.AddDays(-20));
        var previous = sim.ExpiresAt;
        var outcome = sim.ApplyRenewal(month, Now);

        Assert.True(sim.RollBackRenewal(outcome.PreviousExpiresAt, outcome.NewExpiresAt, month.DataMb, Now));
        Assert.Equal(previous, sim.ExpiresAt);
        Assert.Equal(10_240, sim.DataLeftMb);
        Assert.False(sim.RollBackRenewal(outcome.PreviousExpiresAt, outcome.NewExpiresAt, month.DataMb, previous!.Value));
    }
}
