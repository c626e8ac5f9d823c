using System.Security.Cryptography;
using System.Text;
using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

public class VoucherCodeHasherTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly VoucherCode Code = VoucherCode.Parse("ABCD-1234-EFGH-5670-3").Code!;

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    public void A_key_shorter_than_32_bytes_is_refused(int length)
    {
        Assert.Throws<ArgumentException>(() => new VoucherCodeHasher(new byte[length]));
    }

    [Fact]
    public void A_missing_key_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new VoucherCodeHasher(null!));
    }

    [Fact]
    public void The_hash_is_hmac_sha256_of_the_canonical_form()
    {
        var hash = new VoucherCodeHasher(Key).Hash(Code);

        Assert.Equal(32, hash.Length);
        Assert.Equal(HMACSHA256.HashData(Key, Encoding.ASCII.GetBytes("ABCD1234EFGH56703")), hash);
    }

    [Fact]
    public void The_same_key_always_gives_the_same_hash()
    {
        Assert.Equal(new VoucherCodeHasher(Key).Hash(Code), new VoucherCodeHasher([.. Key]).Hash(Code));
    }

    [Fact]
    public void Another_key_or_another_code_gives_another_hash()
    {
        var hasher = new VoucherCodeHasher(Key);
        var otherKey = Key.ToArray();
        otherKey[^1] ^= 1;

        Assert.NotEqual(hasher.Hash(Code), new VoucherCodeHasher(otherKey).Hash(Code));
        Assert.NotEqual(hasher.Hash(Code), hasher.Hash(VoucherCode.Generate()));
    }

    [Fact]
    public void Messy_and_clean_input_of_one_code_hash_the_same()
    {
        var hasher = new VoucherCodeHasher(Key);
        var messy = VoucherCode.Parse(" ａｂｃｄー１２３４ ｅｆｇｈ－567o 3").Code!;

        Assert.Equal(hasher.Hash(Code), hasher.Hash(messy));
    }

    [Fact]
    public void Changing_the_key_array_after_construction_does_not_change_the_hashes()
    {
        var key = Key.ToArray();
        var hasher = new VoucherCodeHasher(key);
        var before = hasher.Hash(Code);

        key[0] ^= 0xFF;

        Assert.Equal(before, hasher.Hash(Code));
    }
}
