using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EsimRenewal.Core.Vouchers;

/// <summary>One row of a batch's one-time code sheet.</summary>
public readonly record struct ExportedCode(long Serial, VoucherCode Code);

/// <summary>
/// Seals the codes of a batch between generation and their one download: AES-256-GCM with a key derived
/// (HKDF) from the server's voucher secret, which is configuration and never in the database. So a copy
/// of the database, Data Protection key ring included, yields no code even in that window. Each chunk is
/// bound to its batch and position, so chunks cannot be swapped between batches unnoticed.
/// </summary>
public sealed class VoucherCodeExportCipher
{
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int RowLength = sizeof(long) + VoucherCode.SymbolCount;
    private static readonly byte[] KeyPurpose = Encoding.ASCII.GetBytes("EsimRenewal voucher code export v1");

    private readonly byte[] _key;

    public VoucherCodeExportCipher(byte[] secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < VoucherCodeHasher.MinimumKeyLength)
        {
            throw new ArgumentException($"The voucher secret must be at least {VoucherCodeHasher.MinimumKeyLength} bytes.", nameof(secret));
        }
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: null, info: KeyPurpose);
    }

    public byte[] Seal(Guid batchId, int firstIndex, IReadOnlyList<ExportedCode> codes)
    {
        var plain = new byte[codes.Count * RowLength];
        try
        {
            for (var i = 0; i < codes.Count; i++)
            {
                var row = plain.AsSpan(i * RowLength, RowLength);
                BinaryPrimitives.WriteInt64BigEndian(row, codes[i].Serial);
                Encoding.ASCII.GetBytes(codes[i].Code.ToCanonicalString(), row[sizeof(long)..]);
            }
            var sealedChunk = new byte[NonceLength + TagLength + plain.Length];
            var nonce = sealedChunk.AsSpan(0, NonceLength);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(_key, TagLength);
            aes.Encrypt(nonce, plain, sealedChunk.AsSpan(NonceLength + TagLength), sealedChunk.AsSpan(NonceLength, TagLength), AssociatedData(batchId, firstIndex));
            return sealedChunk;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Opens a sealed chunk; throws <see cref="CryptographicException"/> when it was tampered with or moved.</summary>
    public IReadOnlyList<ExportedCode> Open(Guid batchId, int firstIndex, byte[] sealedChunk)
    {
        if (sealedChunk.Length < NonceLength + TagLength || (sealedChunk.Length - NonceLength - TagLength) % RowLength != 0)
        {
            throw new CryptographicException("Not a sealed voucher code chunk.");
        }
        var plain = new byte[sealedChunk.Length - NonceLength - TagLength];
        try
        {
            using var aes = new AesGcm(_key, TagLength);
            aes.Decrypt(sealedChunk.AsSpan(0, NonceLength), sealedChunk.AsSpan(NonceLength + TagLength), sealedChunk.AsSpan(NonceLength, TagLength), plain, AssociatedData(batchId, firstIndex));
            var codes = new ExportedCode[plain.Length / RowLength];
            for (var i = 0; i < codes.Length; i++)
            {
                var row = plain.AsSpan(i * RowLength, RowLength);
                var parsed = VoucherCode.Parse(Encoding.ASCII.GetString(row[sizeof(long)..]));
                if (!parsed.IsValid)
                {
                    throw new CryptographicException("A sealed chunk holds something that is not a code.");
                }
                codes[i] = new ExportedCode(BinaryPrimitives.ReadInt64BigEndian(row), parsed.Code);
            }
            return codes;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] AssociatedData(Guid batchId, int firstIndex)
    {
        var data = new byte[16 + sizeof(int)];
        batchId.TryWriteBytes(data);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(16), firstIndex);
        return data;
    }
}
