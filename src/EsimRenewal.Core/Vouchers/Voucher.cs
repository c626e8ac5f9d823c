using System.Linq.Expressions;

namespace EsimRenewal.Core.Vouchers;

/// <summary>Issued (batch not activated) → Active → Redeemed | Void | Expired.</summary>
public enum VoucherState
{
    Issued,
    Active,
    Redeemed,
    Void,
    Expired,
}

/// <summary>
/// A prepaid voucher. The code is a bearer secret: only its keyed hash and last 4 symbols are
/// stored. The public serial is printed on the card.
/// </summary>
public sealed class Voucher
{
    public const int HashLength = 32;
    public const int Last4Length = 4;

    private Voucher()
    {
    }

    public Voucher(Guid id, VoucherBatch batch, long serial, byte[] codeHash, string last4)
    {
        if (codeHash.Length != HashLength)
        {
            throw new ArgumentException("A code hash is 32 bytes.", nameof(codeHash));
        }
        if (last4.Length != Last4Length)
        {
            throw new ArgumentException("Last4 is 4 symbols.", nameof(last4));
        }
        Id = id;
        BatchId = batch.Id;
        Serial = serial;
        CodeHash = codeHash;
        Last4 = last4;
        State = VoucherState.Issued;
    }

    public Guid Id { get; private set; }
    public Guid BatchId { get; private set; }
    public VoucherBatch Batch { get; private set; } = null!;
    public long Serial { get; private set; }
    public byte[] CodeHash { get; private set; } = [];
    public string Last4 { get; private set; } = "";
    public VoucherState State { get; private set; }
    public DateTimeOffset? RedeemedAt { get; private set; }
    public DateTimeOffset? VoidedAt { get; private set; }
    public uint Version { get; private set; }

    /// <summary>
    /// Whether the voucher can be redeemed at <paramref name="now"/>: active, in an active batch, not past the
    /// batch's expiry. The redemption service uses this as the WHERE clause of its conditional
    /// <c>UPDATE vouchers SET state = 'Redeemed' … WHERE id = @id AND …</c>, so the database, not a read in
    /// code, decides which of two concurrent redemptions wins.
    /// </summary>
    public static Expression<Func<Voucher, bool>> RedeemableAt(DateTimeOffset now) =>
        v => v.State == VoucherState.Active && v.Batch.State == VoucherBatchState.Active && v.Batch.ExpiresAt >= now;

    /// <summary>
    /// Why this voucher cannot be redeemed at <paramref name="now"/>, or null when it can (requires
    /// <see cref="Batch"/>). Agrees with <see cref="RedeemableAt"/>; its order decides which message a
    /// person sees: used, then void, then expired, then not yet activated.
    /// </summary>
    public VoucherRefusal? RefusalAt(DateTimeOffset now)
    {
        if (State == VoucherState.Redeemed)
        {
            return VoucherRefusal.AlreadyRedeemed;
        }
        if (State == VoucherState.Void || Batch.State == VoucherBatchState.Void)
        {
            return VoucherRefusal.Void;
        }
        if (State == VoucherState.Expired || Batch.IsExpiredAt(now))
        {
            return VoucherRefusal.Expired;
        }
        if (State == VoucherState.Issued || Batch.State == VoucherBatchState.Issued)
        {
            return VoucherRefusal.NotYetActive;
        }
        return null;
    }

    /// <summary>The state a person should see: an unused voucher past its batch's expiry reads as expired.</summary>
    public static VoucherState EffectiveState(VoucherState state, DateTimeOffset batchExpiresAt, DateTimeOffset now) =>
        state is VoucherState.Issued or VoucherState.Active && now > batchExpiresAt ? VoucherState.Expired : state;

    /// <summary>Voids an unused voucher; false when it was already redeemed or void. Call with the row locked.</summary>
    public bool Void(DateTimeOffset now)
    {
        if (State is not (VoucherState.Issued or VoucherState.Active or VoucherState.Expired))
        {
            return false;
        }
        State = VoucherState.Void;
        VoidedAt = now;
        return true;
    }

    /// <summary>The serial as printed on the card: batch-free, zero-padded, grouped for reading aloud.</summary>
    public static string FormatSerial(long serial) => serial.ToString("000000000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads a serial as typed: digits (full-width too), spaces and hyphens allowed.</summary>
    public static bool TryParseSerial(string? input, out long serial)
    {
        serial = 0;
        if (string.IsNullOrWhiteSpace(input) || input.Length > 40)
        {
            return false;
        }
        var digits = 0;
        foreach (var ch in input.Normalize(System.Text.NormalizationForm.FormKC))
        {
            if (char.IsAsciiDigit(ch))
            {
                if (++digits > 15)
                {
                    return false;
                }
                serial = serial * 10 + (ch - '0');
            }
            else if (!char.IsWhiteSpace(ch) && ch != '-')
            {
                return false;
            }
        }
        return digits > 0;
    }
}
