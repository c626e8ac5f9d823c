using EsimRenewal.Core.Common;
using EsimRenewal.Core.Sims;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.UnitTests.Sims;

public class RenewalRuleTests
{
    // 2026-11-26 12:00 in Tokyo.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));

    private static DateTimeOffset EndOfJstDay(int year, int month, int day) => Jst.EndOfDay(new DateOnly(year, month, day));

    [Fact]
    public void A_valid_sim_is_extended_from_its_current_expiry()
    {
        var expiry = EndOfJstDay(2026, 12, 3);

        var preview = RenewalRule.Preview(expiry, validityDays: 30, _clock.GetUtcNow());

        Assert.False(preview.StartsNow);
        Assert.Equal(expiry, preview.CurrentExpiresAt);
        Assert.Equal(EndOfJstDay(2027, 1, 2), preview.NewExpiresAt);
        Assert.Equal("2027-01-02 23:59 JST", Jst.Format(preview.NewExpiresAt));
    }

    [Fact]
    public void Renewing_an_expired_sim_starts_now()
    {
        var expiredLastWeek = EndOfJstDay(2026, 11, 19);

        var preview = RenewalRule.Preview(expiredLastWeek, validityDays: 7, _clock.GetUtcNow());

        Assert.True(preview.StartsNow);
        Assert.Equal(expiredLastWeek, preview.CurrentExpiresAt);
        Assert.Equal(EndOfJstDay(2026, 12, 3), preview.NewExpiresAt);
    }

    [Fact]
    public void A_never_activated_sim_starts_now()
    {
        var preview = RenewalRule.Preview(currentExpiresAt: null, validityDays: 7, _clock.GetUtcNow());

        Assert.True(preview.StartsNow);
        Assert.Null(preview.CurrentExpiresAt);
        Assert.Equal(EndOfJstDay(2026, 12, 3), preview.NewExpiresAt);
    }

    [Fact]
    public void Starting_now_rounds_up_to_the_end_of_the_japan_day_even_when_utc_is_still_on_the_day_before()
    {
        // 2026-12-02 20:00 UTC is 2026-12-03 05:00 in Tokyo: a one-day plan runs to the end of 12-04 JST.
        _clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 20, 0, 0, TimeSpan.Zero));

        var preview = RenewalRule.Preview(null, validityDays: 1, _clock.GetUtcNow());

        Assert.Equal(EndOfJstDay(2026, 12, 4), preview.NewExpiresAt);
    }

    [Fact]
    public void A_sim_whose_expiry_is_exactly_now_counts_as_expired_and_starts_now()
    {
        var expiry = EndOfJstDay(2026, 12, 3);
        _clock.SetUtcNow(expiry);

        var preview = RenewalRule.Preview(expiry, validityDays: 30, _clock.GetUtcNow());

        Assert.True(preview.StartsNow);
        Assert.Equal(EndOfJstDay(2027, 1, 2), preview.NewExpiresAt);
    }

    [Fact]
    public void A_sim_one_second_before_its_expiry_is_still_extended_from_the_expiry()
    {
        var expiry = EndOfJstDay(2026, 12, 3);
        _clock.SetUtcNow(expiry.AddSeconds(-1));

        var preview = RenewalRule.Preview(expiry, validityDays: 30, _clock.GetUtcNow());

        Assert.False(preview.StartsNow);
        Assert.Equal(EndOfJstDay(2027, 1, 2), preview.NewExpiresAt);
    }

    [Fact]
    public void An_expiry_in_the_middle_of_a_japan_day_is_extended_to_the_end_of_the_last_day()
    {
        // 2026-12-03 10:00 JST.
        var expiry = new DateTimeOffset(2026, 12, 3, 1, 0, 0, TimeSpan.Zero);

        var preview = RenewalRule.Preview(expiry, validityDays: 1, _clock.GetUtcNow());

        Assert.Equal(EndOfJstDay(2026, 12, 4), preview.NewExpiresAt);
    }

    [Fact]
    public void A_renewal_always_ends_at_23_59_59_japan_time_whatever_the_hour_it_starts()
    {
        var start = _clock.GetUtcNow();
        for (var hour = 0; hour < 48; hour++)
        {
            var now = start.AddHours(hour).AddMinutes(17);

            var ends = RenewalRule.Preview(null, validityDays: 3, now).NewExpiresAt;

            Assert.Equal(new TimeSpan(23, 59, 59), Jst.ToJst(ends).TimeOfDay);
            Assert.Equal(Jst.DateOf(now).AddDays(3), Jst.DateOf(ends));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_plan_of_less_than_one_day_is_refused(int days)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RenewalRule.Preview(null, days, _clock.GetUtcNow()));
    }
}
