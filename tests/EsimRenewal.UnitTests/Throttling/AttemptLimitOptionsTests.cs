using EsimRenewal.Core.Throttling;

namespace EsimRenewal.UnitTests.Throttling;

public class AttemptLimitOptionsTests
{
    [Fact]
    public void The_defaults_lock_accounts_briefly_sims_for_a_day_and_never_lock_an_address()
    {
        var options = new AttemptLimitOptions();

        Assert.True(AttemptLimitOptions.IsValid(options));
        Assert.Equal((10, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)), (options.Account.MaxFailures, options.Account.Window, options.Account.HoldBack));
        Assert.Equal((10, TimeSpan.FromDays(1), TimeSpan.FromDays(1)), (options.Sim.MaxFailures, options.Sim.Window, options.Sim.HoldBack));
        Assert.True(options.Address.MaxFailures > options.Account.MaxFailures);
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.False(AttemptLimitOptions.IsValid(new AttemptLimitOptions { Account = new AttemptLimit { MaxFailures = 0, Window = TimeSpan.FromMinutes(1), HoldBack = TimeSpan.FromMinutes(1) } }));
        Assert.False(AttemptLimitOptions.IsValid(new AttemptLimitOptions { Sim = new AttemptLimit { MaxFailures = 3, Window = TimeSpan.Zero, HoldBack = TimeSpan.FromMinutes(1) } }));
        Assert.False(AttemptLimitOptions.IsValid(new AttemptLimitOptions { ChallengeMaxNumber = 10 }));
    }

    [Fact]
    public void Each_purpose_and_subject_has_a_counter_of_its_own()
    {
        Assert.Equal("voucher/account:u1", AttemptSubject.Account("u1").KeyFor(AttemptPurposes.Voucher));
        Assert.Equal("sim-pin/address:203.0.113.5", AttemptSubject.Address("203.0.113.5").KeyFor(AttemptPurposes.SimPin));
        Assert.NotEqual(AttemptSubject.Account("u1").KeyFor(AttemptPurposes.Voucher), AttemptSubject.Account("u1").KeyFor(AttemptPurposes.SimPin));
    }
}
