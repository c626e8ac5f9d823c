using EsimRenewal.Core.Plans;

namespace EsimRenewal.UnitTests.Plans;

public class DurationBandTests
{
    [Theory]
    [InlineData(1, DurationBand.Day)]
    [InlineData(3, DurationBand.Day)]
    [InlineData(4, DurationBand.Week)]
    [InlineData(7, DurationBand.Week)]
    [InlineData(14, DurationBand.Week)]
    [InlineData(15, DurationBand.Month)]
    [InlineData(30, DurationBand.Month)]
    [InlineData(31, DurationBand.Month)]
    [InlineData(32, DurationBand.Longer)]
    [InlineData(90, DurationBand.Longer)]
    [InlineData(PlanTerms.MaxValidityDays, DurationBand.Longer)]
    public void A_validity_falls_in_the_band_of_its_length(int days, DurationBand band)
    {
        Assert.Equal(band, DurationBands.Of(days));
    }

    [Fact]
    public void The_database_range_of_a_band_agrees_with_the_band_of_every_validity()
    {
        for (var days = 1; days <= PlanTerms.MaxValidityDays; days++)
        {
            var band = DurationBands.Of(days);
            var (min, max) = DurationBands.Range(band);

            Assert.True(min <= days && days <= max, $"{days} days is in {band} but outside its range {min}..{max}.");
        }
    }

    [Fact]
    public void Every_day_in_a_band_range_belongs_to_that_band_and_the_ranges_cover_every_valid_length()
    {
        var covered = new List<int>();
        foreach (var band in Enum.GetValues<DurationBand>())
        {
            var (min, max) = DurationBands.Range(band);
            for (var days = min; days <= max; days++)
            {
                Assert.Equal(band, DurationBands.Of(days));
                covered.Add(days);
            }
        }

        Assert.Equal(Enumerable.Range(1, PlanTerms.MaxValidityDays), covered.Order());
    }
}
