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

    private static readonly DateTimeOffset Later = Jst.EndOfDay(new DateOnly(2027, 2, 8)); // a second renewal B, 30 days on top of A

    [Fact]
    public void Refunding_two_unused_renewals_oldest_first_gives_back_both_their_days()
    {
        var afterA = RenewalRollback.ExpiryAfterRefund(Previous, Renewed, Later, Now);
        var afterB = RenewalRollback.ExpiryAfterRefund(Renewed, Later, afterA!.Value, Now);

        Assert.Equal(Renewed, afterA); // only A's 30 days
        Assert.Equal(Previous, afterB); // then B's 30 days: back where the SIM was before both
    }

    [Fact]
    public void Refunding_two_unused_renewals_newest_first_gives_back_both_their_days()
    {
        var afterB = RenewalRollback.ExpiryAfterRefund(Renewed, Later, Later, Now);
        var afterA = RenewalRollback.ExpiryAfterRefund(Previous, Renewed, afterB!.Value, Now);

        Assert.Equal(Renewed, afterB);
        Assert.Equal(Previous, afterA);
    }

    [Fact]
    public void A_renewal_whose_days_moved_forward_into_use_after_an_earlier_refund_keeps_its_days()
    {
        // A was refunded unused on 12-01 (the SIM now ends 01-09); B's 30 days then run from 12-10, so by 12-20 they are in use,
        // although B's own previous expiry (01-09) is still ahead.
        var afterA = RenewalRollback.ExpiryAfterRefund(Previous, Renewed, Later, Now)!.Value;
        var tenDaysIntoB = Jst.StartOfDay(new DateOnly(2026, 12, 20));

        Assert.Null(RenewalRollback.ExpiryAfterRefund(Renewed, Later, afterA, tenDaysIntoB));
        Assert.Equal(Previous, RenewalRollback.ExpiryAfterRefund(Renewed, Later, afterA, Previous.AddDays(-1))); // the day before, not yet
    }

    [Fact]
    public void A_renewal_of_an_expired_sim_is_in_use_from_its_payment_and_one_bought_after_it_is_not()
    {
        // A renews a SIM that expired on 11-20: it starts at once (its previous expiry is behind, or the payment time itself).
        var expired = Jst.EndOfDay(new DateOnly(2026, 11, 20));
        var a = RenewalRule.Preview(expired, 30, Now).NewExpiresAt;
        var b = RenewalRule.Preview(a, 30, Now).NewExpiresAt; // B extends A the same day

        Assert.Null(RenewalRollback.ExpiryAfterRefund(expired, a, b, Now));
        Assert.Null(RenewalRollback.ExpiryAfterRefund(Now, a, b, Now));
        Assert.Equal(a, RenewalRollback.ExpiryAfterRefund(a, b, b, Now));
        Assert.Null(RenewalRollback.ExpiryAfterRefund(expired, a, a, Now)); // and A, refunded after B, is still in use
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
