using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Plans;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Sims;

/// <summary>A SIM as its owner sees it in the list.</summary>
public sealed record SimSummary(
    Guid Id,
    string Iccid,
    SimKind Kind,
    string? Label,
    LocalizedText? PlanName,
    DateTimeOffset? ExpiresAt,
    long? DataLeftMb,
    bool IsUnlimited,
    int RenewalCount);

/// <summary>The traveller's SIMs. Every query is scoped to the owner: a role is not ownership.</summary>
public sealed class SimService(EsimDbContext db)
{
    public async Task<IReadOnlyList<SimSummary>> ListForOwnerAsync(string ownerId, CancellationToken ct = default) =>
        await db.Sims.AsNoTracking()
            .Where(s => s.OwnerId == ownerId)
            .OrderBy(s => s.CreatedAt)
            .Select(s => new SimSummary(
                s.Id,
                s.Iccid,
                s.Kind,
                s.Label,
                s.CurrentPlanVersion == null ? null : s.CurrentPlanVersion.Plan.Name,
                s.ExpiresAt,
                s.DataLeftMb,
                s.IsUnlimited,
                s.RenewalCount))
            .ToListAsync(ct);
}
