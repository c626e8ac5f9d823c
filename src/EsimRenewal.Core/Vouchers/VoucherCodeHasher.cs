using System.Security.Cryptography;
using System.Text;

namespace EsimRenewal.Core.Vouchers;

/// <summary>
/// The keyed hash stored instead of a voucher code: HMAC-SHA256 with a server secret over the canonical
/// 17-symbol form, so a leaked database yields no spendable code and cannot be brute-forced without the key.
/// </summary>
public sealed class VoucherCodeHasher
{
    public const int MinimumKeyLength = 32;
    public const int HashLength = 32;

    private readonly byte[] _key;

    public VoucherCodeHasher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"The voucher hashing key must be at least {MinimumKeyLength} bytes.", nameof(key));
        }
        _key = (byte[])key.Clone();
    }

    public byte[] Hash(VoucherCode code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(code.ToCanonicalString()));
    }
}
