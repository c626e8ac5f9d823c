using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;

namespace EsimRenewal.UnitTests.Orders;

public class ConsumptionTaxTests
{
    [Theory]
    [InlineData(3980, 361)]  // 361.8… rounded down
    [InlineData(1980, 180)]
    [InlineData(800, 72)]    // 72.7…
    [InlineData(1100, 100)]  // exact
    [InlineData(109, 9)]     // 9.9…
    [InlineData(10, 0)]
    [InlineData(0, 0)]
    public void The_tax_in_a_total_is_ten_over_one_hundred_and_ten_rounded_down(long total, long tax)
    {
        Assert.Equal(new Yen(tax), ConsumptionTax.IncludedIn(new Yen(total)));
    }

    [Fact]
    public void It_matches_the_formula_for_every_price_up_to_twenty_thousand_yen()
    {
        for (long amount = 0; amount <= 20_000; amount++)
        {
            Assert.Equal((long)Math.Floor(amount * 10m / 110m), ConsumptionTax.IncludedIn(new Yen(amount)).Amount);
        }
    }
}
