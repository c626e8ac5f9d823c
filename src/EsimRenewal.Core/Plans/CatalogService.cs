using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Plans;

public sealed record CatalogFilter(DurationBand? Duration = null, SimKind? Kind = null);

/// <summary>A plan as the storefront shows it: the terms of the version on sale now.</summary>
public sealed record PlanCard(
    string Code,
    LocalizedText Name,
    LocalizedText Description,
    Guid PlanVersionId,
    Yen Price,
    long? DataMb,
    int? DailyFairUseMb,
    int ValidityDays,
    SimKinds SimKinds)
{
    public bool IsUnlimited => DataMb is null;
}

/// <summary>Read side of the plan catalogue for the storefront: what is on sale at the clock's time.</summary>
public sealed class CatalogService(EsimDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<PlanCard>> ListActiveAsync(CatalogFilter filter, CancellationToken ct = default)
    {
        var versions = db.PlanVersions.AsNoTracking().Where(PlanVersion.OnSaleAt(clock.GetUtcNow())).Where(v => v.Plan.IsActive);
        if (filter.Duration is { } band)
        {
            var (min, max) = DurationBands.Range(band);
            versions = versions.Where(v => v.ValidityDays >= min && v.ValidityDays <= max);
        }
        if (filter.Kind is { } kind)
        {
            // SimKinds is stored as its name ("Physical", "Esim", "Both"), so compare whole values.
            var flag = kind.AsFlag();
            versions = versions.Where(v => v.SimKinds == flag || v.SimKinds == SimKinds.Both);
        }
        return await versions
            .OrderBy(v => v.Plan.SortOrder).ThenBy(v => v.ValidityDays).ThenBy(v => v.Plan.Code)
            .Select(ToCard)
            .ToListAsync(ct);
    }

    /// <summary>An active plan by its URL code, or null (unknown, malformed or inactive).</summary>
    public async Task<PlanCard?> FindActiveAsync(string? code, CancellationToken ct = default)
    {
        if (!Plan.IsValidCode(code))
        {
            return null;
        }
        return await db.PlanVersions.AsNoTracking()
            .Where(PlanVersion.OnSaleAt(clock.GetUtcNow()))
            .Where(v => v.Plan.IsActive && v.Plan.Code == code)
            .Select(ToCard)
            .SingleOrDefaultAsync(ct);
    }

    private static readonly System.Linq.Expressions.Expression<Func<PlanVersion, PlanCard>> ToCard = v => new PlanCard(
        v.Plan.Code, v.Plan.Name, v.Plan.Description, v.Id, v.Price, v.DataMb, v.DailyFairUseMb, v.ValidityDays, v.SimKinds);
}
