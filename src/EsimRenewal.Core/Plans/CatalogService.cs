using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Plans;

public sealed record CatalogFilter(DurationBand? Duration = null, SimKind? Kind = null);

/// <summary>A plan as the storefront's list shows it: the terms of the version on sale now, the name in one language.</summary>
public sealed record PlanCard(
    string Code,
    string Name,
    Yen Price,
    long? DataMb,
    int? DailyFairUseMb,
    int ValidityDays,
    SimKinds SimKinds)
{
    public bool IsUnlimited => DataMb is null;
}

/// <summary>A plan as its own page shows it: the card's terms, the description and the version being sold.</summary>
public sealed record PlanDetails(
    string Code,
    string Name,
    string Description,
    Guid PlanVersionId,
    Yen Price,
    long? DataMb,
    int? DailyFairUseMb,
    int ValidityDays,
    SimKinds SimKinds);

/// <summary>
/// Read side of the plan catalogue for the storefront: what is on sale at the clock's time. Compiled,
/// no-tracking projections of only what the pages show, in the reader's language (docs/decisions/0026).
/// </summary>
public sealed class CatalogService(EsimDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<PlanCard>> ListActiveAsync(CatalogFilter filter, CultureInfo culture, CancellationToken ct = default)
    {
        var (minDays, maxDays) = filter.Duration is { } band ? DurationBands.Range(band) : (0, int.MaxValue);
        // SimKinds is stored as its name ("Physical", "Esim", "Both"), so the filter lists the whole values it accepts.
        var (kindA, kindB) = filter.Kind is { } kind ? (kind.AsFlag(), SimKinds.Both) : (SimKinds.Physical, SimKinds.Esim);
        var cards = new List<PlanCard>();
        await foreach (var card in Compiled.List(db, clock.GetUtcNow(), minDays, maxDays, kindA, kindB, LocalizedText.LanguageOf(culture)).WithCancellation(ct))
        {
            cards.Add(card);
        }
        return cards;
    }

    /// <summary>An active plan by its URL code, or null (unknown, malformed or inactive).</summary>
    public async Task<PlanDetails?> FindActiveAsync(string? code, CultureInfo culture, CancellationToken ct = default)
    {
        if (!Plan.IsValidCode(code))
        {
            return null;
        }
        return await Compiled.Find(db, clock.GetUtcNow(), code!, LocalizedText.LanguageOf(culture), ct);
    }

    /// <summary>The next time a scheduled version goes on sale, after <paramref name="after"/>; null when none is scheduled.</summary>
    public async Task<DateTimeOffset?> NextScheduledChangeAsync(DateTimeOffset after, CancellationToken ct = default) =>
        await db.PlanVersions.AsNoTracking().Where(v => v.EffectiveFrom > after).MinAsync(v => (DateTimeOffset?)v.EffectiveFrom, ct);

    private static readonly CompiledPerModel<CompiledQueries> ByModel = new(() => new CompiledQueries());

    private CompiledQueries Compiled => ByModel.For(db);

    private sealed class CompiledQueries
    {
        // The on-sale condition is PlanVersion.OnSaleAt written out: a compiled query cannot call the method that builds it
        // (CatalogServiceTests hold both to the same rule: scheduled versions, ties, retired plans).
        public readonly Func<EsimDbContext, DateTimeOffset, int, int, SimKinds, SimKinds, string, IAsyncEnumerable<PlanCard>> List =
            EF.CompileAsyncQuery((EsimDbContext db, DateTimeOffset at, int minDays, int maxDays, SimKinds kindA, SimKinds kindB, string language) =>
                db.PlanVersions.AsNoTracking()
                    .Where(v => v.EffectiveFrom <= at
                        && !v.Plan.Versions.Any(later => later.EffectiveFrom <= at
                            && (later.EffectiveFrom > v.EffectiveFrom || (later.EffectiveFrom == v.EffectiveFrom && later.Number > v.Number))))
                    .Where(v => v.Plan.IsActive)
                    .Where(v => v.ValidityDays >= minDays && v.ValidityDays <= maxDays)
                    .Where(v => v.SimKinds == kindA || v.SimKinds == kindB || v.SimKinds == SimKinds.Both)
                    .OrderBy(v => v.Plan.SortOrder).ThenBy(v => v.ValidityDays).ThenBy(v => v.Plan.Code)
                    .Select(v => new PlanCard(
                        v.Plan.Code,
                        language == LocalizedText.ZhHansLanguage ? v.Plan.Name.ZhHans : language == LocalizedText.JaLanguage ? v.Plan.Name.Ja : v.Plan.Name.En,
                        v.Price, v.DataMb, v.DailyFairUseMb, v.ValidityDays, v.SimKinds)));

        public readonly Func<EsimDbContext, DateTimeOffset, string, string, CancellationToken, Task<PlanDetails?>> Find =
            EF.CompileAsyncQuery((EsimDbContext db, DateTimeOffset at, string code, string language, CancellationToken ct) =>
                db.PlanVersions.AsNoTracking()
                    .Where(v => v.EffectiveFrom <= at
                        && !v.Plan.Versions.Any(later => later.EffectiveFrom <= at
                            && (later.EffectiveFrom > v.EffectiveFrom || (later.EffectiveFrom == v.EffectiveFrom && later.Number > v.Number))))
                    .Where(v => v.Plan.IsActive && v.Plan.Code == code)
                    .Select(v => new PlanDetails(
                        v.Plan.Code,
                        language == LocalizedText.ZhHansLanguage ? v.Plan.Name.ZhHans : language == LocalizedText.JaLanguage ? v.Plan.Name.Ja : v.Plan.Name.En,
                        language == LocalizedText.ZhHansLanguage ? v.Plan.Description.ZhHans : language == LocalizedText.JaLanguage ? v.Plan.Description.Ja : v.Plan.Description.En,
                        v.Id, v.Price, v.DataMb, v.DailyFairUseMb, v.ValidityDays, v.SimKinds))
                    .SingleOrDefault());
    }
}
