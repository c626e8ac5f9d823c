using EsimRenewal.Web.Plans;

namespace EsimRenewal.UnitTests.Plans;

/// <summary>What admins type into the plan forms: forgiving where a Japanese keyboard differs, strict otherwise.</summary>
public class PlanInputTests
{
    [Theory]
    [InlineData("1980", 1980)]
    [InlineData(" 1,980 ", 1980)]
    [InlineData("¥1,980", 1980)]
    [InlineData("￥１，９８０", 1980)] // full-width, from a Japanese input method
    [InlineData("1980円", 1980)]
    [InlineData("50", 50)]
    [InlineData("1000000", 1_000_000)]
    public void Prices_in_whole_yen_are_read_as_typed(string text, long yen)
    {
        Assert.Equal(yen, PlanInput.ParseYen(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("49")]
    [InlineData("1000001")]
    [InlineData("-1980")]
    [InlineData("1980.0")]
    [InlineData("1e3")]
    [InlineData("¥")]
    [InlineData("一千")]
    public void Other_prices_are_refused(string? text)
    {
        Assert.Null(PlanInput.ParseYen(text));
    }

    [Theory]
    [InlineData("10", 10_240)]
    [InlineData("1.5", 1_536)]
    [InlineData("０．５", 512)]
    [InlineData("0.001", 1)]
    public void Gigabytes_become_whole_megabytes(string text, long mb)
    {
        Assert.Equal(mb, PlanInput.ParseMegabytes(text, PlanInput.MaxDataGb));
    }

    [Fact]
    public void Every_allowance_shown_in_the_form_reads_back_to_the_same_megabytes()
    {
        // An unchanged edit form must never look like a change of terms (a new version).
        for (long mb = 1; mb <= 200_000; mb += 37)
        {
            Assert.Equal(mb, PlanInput.ParseMegabytes(PlanInput.FormatGb(mb), PlanInput.MaxDataGb));
        }
    }

    [Theory]
    [InlineData("2027-01-01T00:00", "2026-12-31T15:00:00+00:00")]
    [InlineData("2027-01-01 09:30", "2027-01-01T00:30:00+00:00")]
    [InlineData("２０２７-０１-０１T００:００", "2026-12-31T15:00:00+00:00")]
    public void A_scheduled_time_is_read_in_japan_time(string text, string utc)
    {
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), PlanInput.ParseJst(text));
    }

    [Theory]
    [InlineData("01/01/2027 00:00")]
    [InlineData("2027-13-01T00:00")]
    [InlineData("2027-01-01")]
    [InlineData("now")]
    public void Other_times_are_refused(string text)
    {
        Assert.Null(PlanInput.ParseJst(text));
    }

    [Theory]
    [InlineData(null, true, false)]
    [InlineData("", true, false)]
    [InlineData("true", true, true)]
    [InlineData("false", true, false)]
    [InlineData("abc", false, false)]
    [InlineData("on", false, false)]
    public void A_check_box_is_ticked_unticked_or_not_understood(string? value, bool understood, bool ticked)
    {
        Assert.Equal(understood, PlanInput.TryParseCheckbox(value, out var parsed));
        Assert.Equal(ticked, parsed);
    }
}
