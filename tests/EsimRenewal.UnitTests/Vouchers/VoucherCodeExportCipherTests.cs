using System.Security.Cryptography;
using System.Text;
using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

public class VoucherCodeExportCipherTests
{
    private static readonly byte[] Secret = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly Guid BatchId = Guid.NewGuid();

    private static IReadOnlyList<ExportedCode> Codes(int count) =>
        Enumerable.Range(0, count).Select(i => new ExportedCode(700_000 + i, VoucherCode.Generate())).ToList();

    [Fact]
    public void Sealed_codes_open_to_the_same_serials_and_codes()
    {
        var cipher = new VoucherCodeExportCipher(Secret);
        var codes = Codes(500);

        var opened = cipher.Open(BatchId, 5_000, cipher.Seal(BatchId, 5_000, codes));

        Assert.Equal(codes, opened);
    }

    [Fact]
    public void A_sealed_chunk_contains_no_code_in_any_readable_form()
    {
        var codes = Codes(200);
        var sealedChunk = new VoucherCodeExportCipher(Secret).Seal(BatchId, 0, codes);
        var asText = Encoding.Latin1.GetString(sealedChunk).ToUpperInvariant();
        var asHex = Convert.ToHexString(sealedChunk);

        Assert.DoesNotContain(codes, c => asText.Contains(c.Code.ToCanonicalString(), StringComparison.Ordinal) || asText.Contains(c.Code.Last4 + "-", StringComparison.Ordinal));
        Assert.DoesNotContain(codes, c => asHex.Contains(Convert.ToHexString(Encoding.ASCII.GetBytes(c.Code.ToCanonicalString())), StringComparison.Ordinal));
    }

    [Fact]
    public void Sealing_the_same_codes_twice_gives_different_bytes()
    {
        var cipher = new VoucherCodeExportCipher(Secret);
        var codes = Codes(3);

        Assert.NotEqual(cipher.Seal(BatchId, 0, codes), cipher.Seal(BatchId, 0, codes));
    }

    [Fact]
    public void A_chunk_moved_to_another_batch_or_position_does_not_open()
    {
        var cipher = new VoucherCodeExportCipher(Secret);
        var sealedChunk = cipher.Seal(BatchId, 0, Codes(3));

        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(Guid.NewGuid(), 0, sealedChunk));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Open(BatchId, 5_000, sealedChunk));
    }

    [Fact]
    public void A_tampered_chunk_or_another_key_does_not_open()
    {
        var sealedChunk = new VoucherCodeExportCipher(Secret).Seal(BatchId, 0, Codes(3));
        var tampered = (byte[])sealedChunk.Clone();
        tampered[^1] ^= 1;
        var otherKey = new VoucherCodeExportCipher(Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());

        Assert.ThrowsAny<CryptographicException>(() => new VoucherCodeExportCipher(Secret).Open(BatchId, 0, tampered));
        Assert.ThrowsAny<CryptographicException>(() => otherKey.Open(BatchId, 0, sealedChunk));
        Assert.ThrowsAny<CryptographicException>(() => new VoucherCodeExportCipher(Secret).Open(BatchId, 0, new byte[10]));
    }

    [Fact]
    public void A_short_secret_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new VoucherCodeExportCipher(new byte[31]));
    }
}
