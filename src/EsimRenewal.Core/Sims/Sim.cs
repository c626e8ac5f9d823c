using EsimRenewal.Core.Plans;

namespace EsimRenewal.Core.Sims;

/// <summary>What a renewal changed on a SIM; kept on the order for receipts and roll-back.</summary>
public sealed record RenewalOutcome(
    DateTimeOffset? PreviousExpiresAt,
    DateTimeOffset NewExpiresAt,
    long? PreviousDataLeftMb,
    long? NewDataLeftMb);

/// <summary>A physical SIM or an eSIM, its validity and data left.</summary>
public sealed class Sim
{
    public const int PinHashMaxLength = 200;
    public const int ActivationCodeMaxLength = 255;
    public const int EmailMaxLength = 256;
    public const int LabelMaxLength = 60;

    private Sim()
    {
    }

    public Guid Id { get; private set; }
    public string Iccid { get; private set; } = "";
    public SimKind Kind { get; private set; }
    public string? OwnerId { get; private set; }

    /// <summary>Since when the current owner has the SIM: their renewal history starts here.</summary>
    public DateTimeOffset? OwnedSince { get; private set; }
    public string? Label { get; private set; }

    /// <summary>Hash of the PIN printed on a physical SIM's card (never the PIN itself).</summary>
    public string? PinHash { get; private set; }

    /// <summary>An eSIM's LPA activation string, <c>LPA:1$smdp.example$MATCHING-ID</c>. A secret.</summary>
    public string? ActivationCode { get; private set; }

    /// <summary>The email an eSIM was bought with (guest quick renewal sends its one-time code there).</summary>
    public string? PurchaseEmail { get; private set; }

    public Guid? CurrentPlanVersionId { get; private set; }
    public PlanVersion? CurrentPlanVersion { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>Data left in MB; null while <see cref="IsUnlimited"/>.</summary>
    public long? DataLeftMb { get; private set; }
    public bool IsUnlimited { get; private set; }
    public int RenewalCount { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Optimistic concurrency token (PostgreSQL xmin).</summary>
    public uint Version { get; private set; }

    public static Sim RegisterPhysical(Iccid iccid, string pinHash, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Iccid = iccid.Value,
        Kind = SimKind.Physical,
        PinHash = pinHash,
        CreatedAt = now,
    };

    public static Sim IssueEsim(Iccid iccid, string activationCode, string purchaseEmail, string? ownerId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Iccid = iccid.Value,
        Kind = SimKind.Esim,
        ActivationCode = activationCode,
        PurchaseEmail = purchaseEmail,
        OwnerId = ownerId,
        OwnedSince = ownerId is null ? null : now,
        CreatedAt = now,
    };

    public bool IsValidAt(DateTimeOffset now) => ExpiresAt > now;

    public bool IsOwnedBy(string? userId) => userId is not null && OwnerId == userId;

    /// <summary>Puts the SIM on an account (linking it with its PIN, or seeding).</summary>
    public void AssignTo(string ownerId, DateTimeOffset now)
    {
        if (OwnerId is not null && OwnerId != ownerId)
        {
            throw new InvalidOperationException("This SIM already belongs to another account.");
        }
        if (OwnerId is null)
        {
            OwnerId = ownerId;
            OwnedSince = now;
        }
    }

    /// <summary>The owner's account is deleted: the SIM can be linked again (a physical SIM with its PIN).</summary>
    public void Detach()
    {
        OwnerId = null;
        OwnedSince = null;
        Label = null;
    }

    public RenewalPreview PreviewRenewal(PlanVersion plan, DateTimeOffset now) =>
        RenewalRule.Preview(ExpiresAt, plan.ValidityDays, now);

    /// <summary>
    /// Applies a plan: validity per <see cref="RenewalRule"/>; data is added to what is left while
    /// the SIM is valid on a limited plan, and otherwise starts from the plan's allowance; an
    /// unlimited plan makes the SIM unlimited.
    /// </summary>
    public RenewalOutcome ApplyRenewal(PlanVersion plan, DateTimeOffset now)
    {
        if (!plan.Fits(Kind))
        {
            throw new InvalidOperationException($"Plan version {plan.Id} does not fit a {Kind} SIM.");
        }
        var preview = PreviewRenewal(plan, now);
        var previousData = DataLeftMb;
        var carriesData = !preview.StartsNow && !IsUnlimited && DataLeftMb is not null;
        DataLeftMb = plan.DataMb is { } mb ? (carriesData ? DataLeftMb!.Value + mb : mb) : null;
        IsUnlimited = plan.IsUnlimited;
        ExpiresAt = preview.NewExpiresAt;
        CurrentPlanVersionId = plan.Id;
        CurrentPlanVersion = plan;
        RenewalCount++;
        return new RenewalOutcome(preview.CurrentExpiresAt, preview.NewExpiresAt, previousData, DataLeftMb);
    }

    /// <summary>
    /// Takes back a refunded renewal that had not begun (<see cref="RenewalRollback"/>): its days, and the
    /// data it added on a limited plan. Returns false, changing nothing, when the renewal is in use.
    /// </summary>
    public bool RollBackRenewal(DateTimeOffset? previousExpiresAt, DateTimeOffset renewedTo, long? addedDataMb, DateTimeOffset now)
    {
        if (ExpiresAt is not { } current || RenewalRollback.ExpiryAfterRefund(previousExpiresAt, renewedTo, current, now) is not { } rolledBack)
        {
            return false;
        }
        ExpiresAt = rolledBack;
        if (addedDataMb is { } added && !IsUnlimited && DataLeftMb is { } left)
        {
            DataLeftMb = Math.Max(0, left - added);
        }
        return true;
    }

    /// <summary>Records usage reported by the carrier.</summary>
    public void ReportDataLeft(long dataLeftMb)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLeftMb);
        if (!IsUnlimited)
        {
            DataLeftMb = dataLeftMb;
        }
    }
}
