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

    /// <summary>The serial as printed on the card: batch-free, zero-padded, grouped for reading aloud.</summary>
    public static string FormatSerial(long serial) => serial.ToString("000000000", System.Globalization.CultureInfo.InvariantCulture);
}
