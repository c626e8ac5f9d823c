using EsimRenewal.Core.Common;

namespace EsimRenewal.UnitTests.Common;

public class JstTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void End_of_day_is_23_59_59_japan_time_which_is_14_59_59_utc()
    {
        var noonInTokyo = Utc(2026, 12, 3, 3);

        var end = Jst.EndOfDay(noonInTokyo);

        Assert.Equal(Utc(2026, 12, 3, 14, 59, 59), end);
        Assert.Equal(TimeSpan.Zero, end.Offset);
    }

    [Fact]
    public void End_of_day_uses_the_japan_calendar_day_when_utc_is_still_on_the_day_before()
    {
        // 2026-12-02 20:00 UTC is 2026-12-03 05:00 in Tokyo.
        var earlyMorningInTokyo = Utc(2026, 12, 2, 20);

        Assert.Equal(new DateOnly(2026, 12, 3), Jst.DateOf(earlyMorningInTokyo));
        Assert.Equal(Utc(2026, 12, 3, 14, 59, 59), Jst.EndOfDay(earlyMorningInTokyo));
    }

    [Fact]
    public void The_last_second_of_a_japan_day_ends_that_day_and_the_next_second_belongs_to_the_next_day()
    {
        var lastSecond = Utc(2026, 12, 3, 14, 59, 59);
        var midnightInTokyo = Utc(2026, 12, 3, 15);

        Assert.Equal(lastSecond, Jst.EndOfDay(lastSecond));
        Assert.Equal(Utc(2026, 12, 4, 14, 59, 59), Jst.EndOfDay(midnightInTokyo));
    }

    [Fact]
    public void End_of_day_does_not_depend_on_the_offset_the_instant_is_written_in()
    {
        var inTokyo = new DateTimeOffset(2026, 12, 3, 5, 0, 0, TimeSpan.FromHours(9));
        var inNewYork = inTokyo.ToOffset(TimeSpan.FromHours(-5));

        Assert.Equal(Utc(2026, 12, 3, 14, 59, 59), Jst.EndOfDay(inTokyo));
        Assert.Equal(Utc(2026, 12, 3, 14, 59, 59), Jst.EndOfDay(inNewYork));
    }

    [Fact]
    public void End_of_a_japan_calendar_date_is_its_23_59_59_in_utc()
    {
        Assert.Equal(Utc(2027, 1, 2, 14, 59, 59), Jst.EndOfDay(new DateOnly(2027, 1, 2)));
    }

    [Fact]
    public void Japan_time_is_utc_plus_nine_all_year_round()
    {
        Assert.Equal(TimeSpan.FromHours(9), Jst.ToJst(Utc(2026, 1, 15, 0)).Offset);
        Assert.Equal(TimeSpan.FromHours(9), Jst.ToJst(Utc(2026, 7, 15, 0)).Offset);
    }

    [Theory]
    [InlineData(2026, 12, 3, 14, 59, 59, "2026-12-03 23:59 JST")]
    [InlineData(2026, 12, 2, 20, 0, 0, "2026-12-03 05:00 JST")]
    [InlineData(2026, 12, 31, 15, 0, 0, "2027-01-01 00:00 JST")]
    public void Format_shows_the_japan_date_and_time_with_jst(int year, int month, int day, int hour, int minute, int second, string expected)
    {
        Assert.Equal(expected, Jst.Format(Utc(year, month, day, hour, minute, second)));
    }

    [Theory]
    [InlineData("ja-JP")]
    [InlineData("zh-Hans")]
    [InlineData("th-TH")]
    [InlineData("fi-FI")]
    public void Format_does_not_depend_on_the_current_culture(string culture)
    {
        using var _ = new CultureScope(culture);

        Assert.Equal("2026-12-03 23:59 JST", Jst.Format(Utc(2026, 12, 3, 14, 59, 59)));
    }
}
