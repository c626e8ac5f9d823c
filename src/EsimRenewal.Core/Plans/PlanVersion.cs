using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Plans;

/// <summary>An immutable snapshot of a plan's terms. Orders and vouchers point at one of these.</summary>
public sealed class PlanVersion
{
    private PlanVersion()
    {
    }

    internal PlanVersion(Plan plan, int number, PlanTerms terms, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Plan = plan;
        PlanId = plan.Id;
        Number = number;
        Price = terms.Price;
        DataMb = terms.DataMb;
        DailyFairUseMb = terms.DailyFairUseMb;
        ValidityDays = terms.ValidityDays;
        SimKinds = terms.SimKinds;
        IsCurrent = true;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid PlanId { get; private set; }
    public Plan Plan { get; private set; } = null!;
    public int Number { get; private set; }
    public Yen Price { get; private set; }

    /// <summary>Data allowance in MB; null for unlimited (then <see cref="DailyFairUseMb"/> may apply).</summary>
    public long? DataMb { get; private set; }
    public int? DailyFairUseMb { get; private set; }
    public int ValidityDays { get; private set; }
    public SimKinds SimKinds { get; private set; }

    /// <summary>Exactly one version of a plan is current (a partial unique index holds it).</summary>
    public bool IsCurrent { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsUnlimited => DataMb is null;

    public PlanTerms Terms => new(Price, DataMb, DailyFairUseMb, ValidityDays, SimKinds);

    public bool Fits(SimKind kind) => (SimKinds & kind.AsFlag()) != 0;

    internal void Supersede() => IsCurrent = false;
}
