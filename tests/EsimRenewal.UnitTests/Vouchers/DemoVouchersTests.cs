using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

public class DemoVouchersTests
{
    [Fact]
    public void The_demo_codes_are_valid_distinct_and_the_same_on_every_run()
    {
        var codes = DemoVouchers.Codes;

        Assert.Equal(DemoVouchers.Count, codes.Count);
        Assert.Equal(codes.Count, codes.Select(c => c.ToCanonicalString()).Distinct().Count());
        Assert.All(codes, c => Assert.True(VoucherCode.Parse(c.ToString()).IsValid));
        // Derived from a fixed public seed: documented, printed by ./run.sh, used by the browser tests.
        Assert.Equal("KKD0-1WCC-FZ18-Z5B8-E", codes[0].ToString());
    }
}
