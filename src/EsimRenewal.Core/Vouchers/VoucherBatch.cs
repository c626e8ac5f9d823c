using EsimRenewal.Core.Plans;

namespace EsimRenewal.Core.Vouchers;

public enum VoucherBatchState
{
    /// <summary>Generated, not shipped: its vouchers cannot be redeemed yet.</summary>
    Issued,
    Active,
    Void,
}

/// <summary>A batch of prepaid vouchers for one plan version and one sales channel.</summary>
public sealed class VoucherBatch
{
    public const int ChannelMaxLength = 40;
    public const int MaxQuantity = 100_000;

    /// <summary>Serials of batch n are n × 100,000 + 0 … 99,999: unique, and the batch is readable from a serial.</summary>
    public const long SerialBlock = MaxQuantity;

    private VoucherBatch()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>Human-facing batch number (a database sequence), printed in serials.</summary>
    public long Number { get; private set; }
    public Guid PlanVersionId { get; private set; }
    public PlanVersion PlanVersion { get; private set; } = null!;

    /// <summary>Where the cards are sold, e.g. FamilyMart, Lawson.</summary>
    public string Channel { get; private set; } = "";
    public int Quantity { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public VoucherBatchState State { get; private set; }
    public string CreatedById { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ActivatedAt { get; private set; }
    public DateTimeOffset? VoidedAt { get; private set; }

    /// <summary>Vouchers written so far; generation runs in chunks in the background.</summary>
    public int GeneratedCount { get; private set; }
    public DateTimeOffset? GeneratedAt { get; private set; }

    public bool IsGenerated => GeneratedCount == Quantity;

    /// <summary>When the codes were handed out (once, at generation); they cannot be shown again.</summary>
    public DateTimeOffset? CodesReleasedAt { get; private set; }

    public static VoucherBatch Create(PlanVersion plan, string channel, int quantity, DateTimeOffset expiresAt, string createdById, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, MaxQuantity);
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        if (expiresAt <= now)
        {
            throw new ArgumentException("A batch must expire in the future.", nameof(expiresAt));
        }
        return new VoucherBatch
        {
            Id = Guid.CreateVersion7(now),
            PlanVersionId = plan.Id,
            PlanVersion = plan,
            Channel = channel.Trim(),
            Quantity = quantity,
            ExpiresAt = expiresAt,
            State = VoucherBatchState.Issued,
            CreatedById = createdById,
            CreatedAt = now,
        };
    }

    /// <summary>The serial of the voucher at <paramref name="index"/> (0-based) in this batch.</summary>
    public long SerialFor(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Quantity);
        if (Number < 1)
        {
            throw new InvalidOperationException("The batch has no number yet: save it first.");
        }
        return Number * SerialBlock + index;
    }

    public bool IsExpiredAt(DateTimeOffset now) => now > ExpiresAt;

    /// <summary>Records a chunk of vouchers written; the batch is complete when all are.</summary>
    public void RecordGenerated(int count, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Quantity - GeneratedCount);
        GeneratedCount += count;
        if (IsGenerated)
        {
            GeneratedAt = now;
        }
    }

    /// <summary>Ships the batch: Issued → Active once all its vouchers exist. False otherwise.</summary>
    public bool Activate(DateTimeOffset now)
    {
        if (State != VoucherBatchState.Issued || !IsGenerated)
        {
            return false;
        }
        State = VoucherBatchState.Active;
        ActivatedAt = now;
        return true;
    }

    public bool Void(DateTimeOffset now)
    {
        if (State == VoucherBatchState.Void)
        {
            return false;
        }
        State = VoucherBatchState.Void;
        VoidedAt = now;
        return true;
    }

    /// <summary>
    /// Marks the one-time release of the codes; false if they were already released, are not all
    /// generated yet, or the batch is void. Call with the batch row locked.
    /// </summary>
    public bool ReleaseCodes(DateTimeOffset now)
    {
        if (CodesReleasedAt is not null || !IsGenerated || State == VoucherBatchState.Void)
        {
            return false;
        }
        CodesReleasedAt = now;
        return true;
    }
}
