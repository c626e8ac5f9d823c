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
    public void Generation_chunks_must_be_reasonable()
    {
        Assert.False(VoucherOptions.IsValid(new VoucherOptions { CodeHashKey = GoodKey, GenerationChunkSize = 10 }));
        Assert.True(VoucherOptions.IsValid(new VoucherOptions { CodeHashKey = GoodKey, GenerationChunkSize = 5_000 }));
    }
}
