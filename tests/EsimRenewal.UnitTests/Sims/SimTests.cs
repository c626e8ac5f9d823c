using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.UnitTests.Plans;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.UnitTests.Sims;

public class SimTests
{
    // 2026-11-26 12:00 in Tokyo.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));

    private static readonly Iccid PhysicalIccid = Iccid.FromBody("898110000000000001");
    private static readonly Iccid EsimIccid = Iccid.FromBody("8981100000000000012");

    private static DateTimeOffset EndOfJstDay(int year, int month, int day) => Jst.EndOfDay(new DateOnly(year, month, day));

    private Sim NewPhysicalSim() => Sim.RegisterPhysical(PhysicalIccid, "stored-pin-hash", _clock.GetUtcNow());

    private Sim NewEsim() => Sim.IssueEsim(EsimIccid, "LPA:1$smdp.example$MATCHING-ID", "traveller@example.com", null, _clock.GetUtcNow());

    [Fact]
    public void A_new_sim_has_no_validity_data_or_renewals()
    {
        var sim = NewPhysicalSim();

        Assert.Null(sim.ExpiresAt);
        Assert.Null(sim.DataLeftMb);
        Assert.False(sim.IsUnlimited);
        Assert.Equal(0, sim.RenewalCount);
        Assert.False(sim.IsValidAt(_clock.GetUtcNow()));
    }

    [Fact]
    public void Renewing_a_valid_sim_extends_from_its_current_expiry()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024), _clock.GetUtcNow());
        Assert.Equal(EndOfJstDay(2026, 12, 3), sim.ExpiresAt);

        _clock.Advance(TimeSpan.FromDays(2));
        sim.ApplyRenewal(TestPlans.Limited(days: 30, dataMb: 10_240), _clock.GetUtcNow());

        Assert.Equal(EndOfJstDay(2027, 1, 2), sim.ExpiresAt);
        Assert.Equal("2027-01-02 23:59 JST", Jst.Format(sim.ExpiresAt!.Value));
    }

    [Fact]
    public void Renewing_an_expired_sim_starts_now()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Limited(days: 1, dataMb: 1024), _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromDays(10)); // 2026-12-06 12:00 JST

        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024), _clock.GetUtcNow());

        Assert.Equal(EndOfJstDay(2026, 12, 13), sim.ExpiresAt);
    }

    [Fact]
    public void Renewing_a_never_activated_sim_starts_now()
    {
        var sim = NewEsim();

        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024), _clock.GetUtcNow());

        Assert.Equal(EndOfJstDay(2026, 12, 3), sim.ExpiresAt);
        Assert.True(sim.IsValidAt(_clock.GetUtcNow()));
    }

    [Fact]
    public void Previewing_a_renewal_changes_nothing_and_matches_what_applying_it_does()
    {
        var sim = NewPhysicalSim();
        var plan = TestPlans.Limited(days: 7, dataMb: 1024);

        var preview = sim.PreviewRenewal(plan, _clock.GetUtcNow());

        Assert.Null(sim.ExpiresAt);
        Assert.Equal(0, sim.RenewalCount);
        Assert.Equal(preview.NewExpiresAt, sim.ApplyRenewal(plan, _clock.GetUtcNow()).NewExpiresAt);
    }

    [Fact]
    public void Data_is_added_to_what_is_left_while_a_limited_plan_is_still_valid()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024), _clock.GetUtcNow());
        sim.ReportDataLeft(300);
        _clock.Advance(TimeSpan.FromDays(2));

        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 3072), _clock.GetUtcNow());

        Assert.Equal(3372, sim.DataLeftMb);
        Assert.False(sim.IsUnlimited);
    }

    [Fact]
    public void Data_left_is_reset_to_the_new_allowance_when_the_sim_had_expired()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Limited(days: 1, dataMb: 1024), _clock.GetUtcNow());
        sim.ReportDataLeft(500);
        _clock.Advance(TimeSpan.FromDays(5));

        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 3072), _clock.GetUtcNow());

        Assert.Equal(3072, sim.DataLeftMb);
    }

    [Fact]
    public void Data_left_is_reset_when_renewing_at_the_exact_second_of_expiry()
    {
        var sim = NewPhysicalSim();
        var first = sim.ApplyRenewal(TestPlans.Limited(days: 1, dataMb: 1024), _clock.GetUtcNow());
        sim.ReportDataLeft(500);
        _clock.SetUtcNow(first.NewExpiresAt);

        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 3072), _clock.GetUtcNow());

        Assert.Equal(3072, sim.DataLeftMb);
    }

    [Fact]
    public void A_sim_is_no_longer_valid_at_the_instant_it_expires()
    {
        var sim = NewPhysicalSim();
        var outcome = sim.ApplyRenewal(TestPlans.Limited(days: 1, dataMb: 1024), _clock.GetUtcNow());

        Assert.True(sim.IsValidAt(outcome.NewExpiresAt.AddSeconds(-1)));
        Assert.False(sim.IsValidAt(outcome.NewExpiresAt));
    }

    [Fact]
    public void An_unlimited_plan_makes_the_sim_unlimited_with_no_data_count()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024), _clock.GetUtcNow());

        sim.ApplyRenewal(TestPlans.Unlimited(days: 7), _clock.GetUtcNow());

        Assert.True(sim.IsUnlimited);
        Assert.Null(sim.DataLeftMb);
    }

    [Fact]
    public void A_limited_plan_after_an_unlimited_one_starts_from_the_new_allowance()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Unlimited(days: 7), _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.True(sim.IsValidAt(_clock.GetUtcNow()));

        var outcome = sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 3072), _clock.GetUtcNow());

        Assert.False(sim.IsUnlimited);
        Assert.Equal(3072, sim.DataLeftMb);
        Assert.Null(outcome.PreviousDataLeftMb);
        Assert.Equal(EndOfJstDay(2026, 12, 10), outcome.NewExpiresAt);
    }

    [Fact]
    public void Usage_reports_do_not_give_an_unlimited_sim_a_data_count()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Unlimited(days: 7), _clock.GetUtcNow());

        sim.ReportDataLeft(100);

        Assert.Null(sim.DataLeftMb);
    }

    [Fact]
    public void A_plan_for_esims_only_cannot_be_applied_to_a_physical_sim_and_leaves_it_unchanged()
    {
        var sim = NewPhysicalSim();

        Assert.Throws<InvalidOperationException>(() =>
            sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024, kinds: SimKinds.Esim), _clock.GetUtcNow()));
        Assert.Null(sim.ExpiresAt);
        Assert.Null(sim.DataLeftMb);
        Assert.Null(sim.CurrentPlanVersionId);
        Assert.Equal(0, sim.RenewalCount);
    }

    [Fact]
    public void A_plan_for_physical_sims_only_cannot_be_applied_to_an_esim()
    {
        var sim = NewEsim();

        Assert.Throws<InvalidOperationException>(() =>
            sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024, kinds: SimKinds.Physical), _clock.GetUtcNow()));
        Assert.Null(sim.ExpiresAt);
    }

    [Fact]
    public void Each_renewal_is_counted_and_the_sim_points_at_the_plan_version_applied_last()
    {
        var sim = NewEsim();
        var first = TestPlans.Limited(days: 7, dataMb: 1024);
        var second = TestPlans.Unlimited(days: 30);

        sim.ApplyRenewal(first, _clock.GetUtcNow());
        Assert.Equal(1, sim.RenewalCount);
        Assert.Equal(first.Id, sim.CurrentPlanVersionId);

        sim.ApplyRenewal(second, _clock.GetUtcNow());
        Assert.Equal(2, sim.RenewalCount);
        Assert.Equal(second.Id, sim.CurrentPlanVersionId);
        Assert.Same(second, sim.CurrentPlanVersion);
    }

    [Fact]
    public void The_renewal_outcome_carries_the_previous_and_new_expiry_and_data()
    {
        var sim = NewPhysicalSim();
        var first = sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024), _clock.GetUtcNow());
        sim.ReportDataLeft(500);
        _clock.Advance(TimeSpan.FromDays(2));

        var second = sim.ApplyRenewal(TestPlans.Limited(days: 30, dataMb: 3072), _clock.GetUtcNow());

        Assert.Null(first.PreviousExpiresAt);
        Assert.Null(first.PreviousDataLeftMb);
        Assert.Equal(1024, first.NewDataLeftMb);
        Assert.Equal(EndOfJstDay(2026, 12, 3), second.PreviousExpiresAt);
        Assert.Equal(EndOfJstDay(2027, 1, 2), second.NewExpiresAt);
        Assert.Equal(500, second.PreviousDataLeftMb);
        Assert.Equal(3572, second.NewDataLeftMb);
        Assert.Equal(sim.ExpiresAt, second.NewExpiresAt);
        Assert.Equal(sim.DataLeftMb, second.NewDataLeftMb);
    }

    [Fact]
    public void A_negative_usage_report_is_refused()
    {
        var sim = NewPhysicalSim();
        sim.ApplyRenewal(TestPlans.Limited(days: 7, dataMb: 1024), _clock.GetUtcNow());

        Assert.Throws<ArgumentOutOfRangeException>(() => sim.ReportDataLeft(-1));
        Assert.Equal(1024, sim.DataLeftMb);
    }

    [Fact]
    public void A_sim_owned_by_one_account_cannot_be_assigned_to_another()
    {
        var sim = NewPhysicalSim();
        sim.AssignTo("user-a", _clock.GetUtcNow());

        Assert.Throws<InvalidOperationException>(() => sim.AssignTo("user-b", _clock.GetUtcNow()));
        Assert.True(sim.IsOwnedBy("user-a"));
        Assert.False(sim.IsOwnedBy("user-b"));
        Assert.False(sim.IsOwnedBy(null));
    }
}
