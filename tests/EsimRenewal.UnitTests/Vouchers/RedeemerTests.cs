using EsimRenewal.Core.Throttling;
using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

public class RedeemerTests
{
    [Fact]
    public void A_traveller_is_limited_per_account_and_per_address()
    {
        var redeemer = new Redeemer(RedemptionChannel.Traveller, "u1", "mei@example.com", "203.0.113.5", "en");

        Assert.Equal([AttemptSubject.Account("u1"), AttemptSubject.Address("203.0.113.5")], redeemer.AttemptSubjects);
    }

    [Fact]
    public void A_staff_member_is_limited_per_staff_member_and_per_address()
    {
        var redeemer = new Redeemer(RedemptionChannel.Staff, "s1", "desk@example.com", "198.51.100.1", "ja");

        Assert.Equal([AttemptSubject.Staff("s1"), AttemptSubject.Address("198.51.100.1")], redeemer.AttemptSubjects);
    }

    [Fact]
    public void Without_a_known_address_only_the_person_is_limited()
    {
        Assert.Equal([AttemptSubject.Account("u1")], new Redeemer(RedemptionChannel.Traveller, "u1", null, null, "en").AttemptSubjects);
    }

    [Theory]
    [InlineData(VoucherRefusal.UnknownCode, true)]
    [InlineData(VoucherRefusal.UnknownSim, true)]
    [InlineData(VoucherRefusal.ProbableTypo, false)]
    [InlineData(VoucherRefusal.NotACode, false)]
    [InlineData(VoucherRefusal.AlreadyRedeemed, false)]
    [InlineData(VoucherRefusal.Void, false)]
    [InlineData(VoucherRefusal.Expired, false)]
    [InlineData(VoucherRefusal.NotYetActive, false)]
    [InlineData(VoucherRefusal.PlanDoesNotFit, false)]
    public void Only_guesses_count_as_failed_attempts(VoucherRefusal refusal, bool counts)
    {
        Assert.Equal(counts, new VoucherFailure(refusal).CountsAsFailedAttempt);
    }
}
