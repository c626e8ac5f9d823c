using System.Linq.Expressions;
using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Plans;

/// <summary>
/// An immutable snapshot of a plan's terms, on sale from <see cref="EffectiveFrom"/> until a later
/// version takes effect. Orders and vouchers point at one of these.
/// </summary>
public sealed class PlanVersion
{
    private PlanVersion()
    {
    }

    internal PlanVersion(Plan plan, int number, PlanTerms terms, DateTimeOffset effectiveFrom, DateTimeOffset now)
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
        EffectiveFrom = effectiveFrom;
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

    /// <summary>
    /// When this version goes on sale. It stays on sale until a later version's time has come: no job
    /// flips anything, the version on sale is derived from the clock (see <see cref="OnSaleAt"/>).
    /// </summary>
    public DateTimeOffset EffectiveFrom { get; private set; }

    /// <summary>When an admin made this version (before <see cref="EffectiveFrom"/> for a scheduled change).</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    public bool IsUnlimited => DataMb is null;

    public PlanTerms Terms => new(Price, DataMb, DailyFairUseMb, ValidityDays, SimKinds);

    public bool Fits(SimKind kind) => (SimKinds & kind.AsFlag()) != 0;

    /// <summary>
    /// The versions on sale at <paramref name="at"/>, one per plan: the latest whose time has come
    /// (ties, which only a frozen test clock makes, go to the higher number). The same rule as
    /// <see cref="Plan.VersionOnSaleAt"/>, for database queries. Whether the plan is active is a
    /// separate condition.
    /// </summary>
    public static Expression<Func<PlanVersion, bool>> OnSaleAt(DateTimeOffset at) =>
        v => v.EffectiveFrom <= at
            && !v.Plan.Versions.Any(later => later.EffectiveFrom <= at
                && (later.EffectiveFrom > v.EffectiveFrom || (later.EffectiveFrom == v.EffectiveFrom && later.Number > v.Number)));
}
