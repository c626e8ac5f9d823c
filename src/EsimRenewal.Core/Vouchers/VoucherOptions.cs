namespace EsimRenewal.Core.Vouchers;

/// <summary>Configuration section <c>Vouchers</c>. Validated at start-up: a missing key fails at boot.</summary>
public sealed class VoucherOptions
{
    public const string Section = "Vouchers";

    /// <summary>
    /// The server secret behind the code hashes (HMAC) and the sealed one-time code exports, base64, at
    /// least 32 bytes. Never stored in the database; changing it makes every issued code unredeemable.
    /// </summary>
    public string? CodeHashKey { get; set; }

    /// <summary>Whether this instance runs the background generation worker (tests switch it off to step it by hand).</summary>
    public bool GenerateInBackground { get; set; } = true;

    /// <summary>Vouchers written per transaction while generating a batch.</summary>
    public int GenerationChunkSize { get; set; } = 5_000;

    public byte[] KeyBytes() =>
        TryDecodeKey(CodeHashKey, out var key) ? key : throw new InvalidOperationException(
            $"{Section}:{nameof(CodeHashKey)} must be base64 of at least {VoucherCodeHasher.MinimumKeyLength} bytes.");

    public static bool IsValid(VoucherOptions options) =>
        TryDecodeKey(options.CodeHashKey, out _)
        && options.GenerationChunkSize is >= 100 and <= 50_000;

    private static bool TryDecodeKey(string? base64, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(base64))
        {
            return false;
        }
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var length) || length < VoucherCodeHasher.MinimumKeyLength)
        {
            return false;
        }
        key = buffer[..length];
        return true;
    }
}
