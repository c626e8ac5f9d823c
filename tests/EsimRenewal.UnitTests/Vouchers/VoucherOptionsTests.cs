using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

public class VoucherOptionsTests
{
    private static readonly string GoodKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void A_base64_key_of_32_bytes_or_more_is_valid()
    {
        var options = new VoucherOptions { CodeHashKey = GoodKey };

        Assert.True(VoucherOptions.IsValid(options));
        Assert.Equal(32, options.KeyBytes().Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")] // "short": 5 bytes
    public void A_missing_short_or_malformed_key_is_invalid(string? key)
    {
        var options = new VoucherOptions { CodeHashKey = key };

        Assert.False(VoucherOptions.IsValid(options));
        Assert.Throws<InvalidOperationException>(options.KeyBytes);
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.False(VoucherOptions.IsValid(new VoucherOptions { CodeHashKey = GoodKey, MaxFailures = 0 }));
        Assert.False(VoucherOptions.IsValid(new VoucherOptions { CodeHashKey = GoodKey, LockoutDuration = TimeSpan.Zero }));
        Assert.False(VoucherOptions.IsValid(new VoucherOptions { CodeHashKey = GoodKey, GenerationChunkSize = 10 }));
    }

    [Fact]
    public void The_defaults_are_ten_failures_in_fifteen_minutes_and_a_fifteen_minute_lock()
    {
        var options = new VoucherOptions();

        Assert.Equal((10, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(15)), (options.MaxFailures, options.FailureWindow, options.LockoutDuration));
    }
}
