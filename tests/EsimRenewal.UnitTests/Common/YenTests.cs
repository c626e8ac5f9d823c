using EsimRenewal.Core.Common;

namespace EsimRenewal.UnitTests.Common;

public class YenTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_500)]
    [InlineData(123_456_789)]
    public void Minor_units_are_the_whole_yen_amount_never_times_a_hundred(long amount)
    {
        var yen = new Yen(amount);

        Assert.Equal(amount, yen.Amount);
        Assert.Equal(amount, yen.ToMinorUnits());
    }

    [Fact]
    public void Fifteen_hundred_yen_is_sent_to_the_payment_provider_as_1500()
    {
        Assert.Equal(1500L, new Yen(1_500).ToMinorUnits());
    }

    [Fact]
    public void Minor_units_from_the_payment_provider_are_read_back_as_the_same_yen()
    {
        var yen = Yen.FromMinorUnits(1500);

        Assert.Equal(new Yen(1_500), yen);
        Assert.Equal(1500L, yen.Amount);
    }

    [Fact]
    public void A_negative_amount_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Yen(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Yen.FromMinorUnits(-1500));
    }

    [Fact]
    public void Zero_is_no_yen()
    {
        Assert.Equal(0L, Yen.Zero.Amount);
        Assert.Equal(0L, Yen.Zero.ToMinorUnits());
    }

    [Theory]
    [InlineData(0, "¥0")]
    [InlineData(980, "¥980")]
    [InlineData(1_500, "¥1,500")]
    [InlineData(1_234_567, "¥1,234,567")]
    public void An_amount_is_shown_with_the_yen_sign_thousands_separators_and_no_decimals(long amount, string expected)
    {
        Assert.Equal(expected, new Yen(amount).ToString());
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("ja-JP")]
    [InlineData("zh-Hans")]
    public void The_display_does_not_depend_on_the_current_culture(string culture)
    {
        using var _ = new CultureScope(culture);

        Assert.Equal("¥1,500", new Yen(1_500).ToString());
    }
}
