using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Throttling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

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

/// <summary>One renewal of a SIM: a paid order or a redeemed voucher.</summary>
public sealed record SimRenewal(Guid OrderId, long OrderNumber, OrderKind Kind, OrderState State, LocalizedText PlanName, int ValidityDays, Yen Amount, DateTimeOffset At, DateTimeOffset? NewExpiresAt);

/// <summary>One SIM with its history, for its owner.</summary>
public sealed record SimDetail(SimSummary Sim, string? ActivationCode, IReadOnlyList<SimRenewal> Renewals);

/// <summary>Someone adding a SIM they hold to their account; failures count against each subject.</summary>
public sealed record SimClaim(string UserId, string? IccidInput, string? Pin, string? Ip, string? ChallengeSolution);

public enum LinkStatus
{
    Linked,

    /// <summary>The SIM is already on this account; nothing changed.</summary>
    AlreadyYours,

    /// <summary>Not a valid ICCID or PIN (a typo caught before any look-up; not counted).</summary>
    Malformed,

    /// <summary>
    /// Wrong PIN, unknown ICCID, an eSIM, or a SIM on another account: one answer for all, so the page
    /// reveals nothing about which ICCIDs exist or whose they are.
    /// </summary>
    NotAccepted,

    /// <summary>The account or the SIM has too many failures: locked until <see cref="LinkResult.LockedUntil"/>.</summary>
    Locked,

    /// <summary>Many failures from this address: the attempt needs a solved challenge.</summary>
    ChallengeRequired,
}

public sealed record LinkResult(LinkStatus Status, Guid? SimId = null, DateTimeOffset? LockedUntil = null);

/// <summary>The traveller's SIMs. Every query is scoped to the owner: a role is not ownership.</summary>
public sealed class SimService(EsimDbContext db, AttemptLimiter limiter, TimeProvider clock, ILogger<SimService> logger)
{
    public async Task<IReadOnlyList<SimSummary>> ListForOwnerAsync(string ownerId, CancellationToken ct = default) =>
        await ListForOwnerQuery(ownerId).ToListAsync(ct);

    /// <summary>The query behind /sims, read through ix_sims_owner_id (AccountPagePlanTests).</summary>
    internal IQueryable<SimSummary> ListForOwnerQuery(string ownerId) =>
        db.Sims.AsNoTracking()
            .Where(s => s.OwnerId == ownerId)
            .OrderBy(s => s.CreatedAt)
            .Select(Summary);

    /// <summary>The owner's SIM with its renewals since it came to this account; null for anyone else.</summary>
    public async Task<SimDetail?> GetForOwnerAsync(string ownerId, Guid simId, CancellationToken ct = default)
    {
        var summary = await db.Sims.AsNoTracking().Where(s => s.Id == simId && s.OwnerId == ownerId).Select(Summary).SingleOrDefaultAsync(ct);
        if (summary is null)
        {
            return null;
        }
        var sim = await db.Sims.AsNoTracking().Where(s => s.Id == simId).Select(s => new { s.ActivationCode, s.OwnedSince }).SingleAsync(ct);
        var since = sim.OwnedSince ?? DateTimeOffset.MinValue;
        var renewals = await db.Orders.AsNoTracking()
            .Where(o => o.SimId == simId && o.CreatedAt >= since && (o.State == OrderState.Fulfilled || o.State == OrderState.Refunded))
            .OrderByDescending(o => o.CreatedAt)
            .Select(o => new SimRenewal(o.Id, o.Number, o.Kind, o.State, o.PlanVersion.Plan.Name, o.PlanVersion.ValidityDays, o.Amount,
                o.FulfilledAt ?? o.CreatedAt, o.NewExpiresAt))
            .ToListAsync(ct);
        return new SimDetail(summary, sim.ActivationCode, renewals);
    }

    /// <summary>An eSIM's activation code (LPA string), for its owner only.</summary>
    public async Task<string?> GetActivationCodeAsync(string ownerId, Guid simId, CancellationToken ct = default) =>
        await db.Sims.AsNoTracking().Where(s => s.Id == simId && s.OwnerId == ownerId).Select(s => s.ActivationCode).SingleOrDefaultAsync(ct);

    /// <summary>
    /// Adds a physical SIM to the claimant's account by its ICCID and the PIN printed on its card.
    /// Wrong PINs are limited per account, per SIM and per address (<see cref="AttemptLimiter"/>).
    /// </summary>
    public async Task<LinkResult> LinkPhysicalAsync(SimClaim claim, CancellationToken ct = default)
    {
        var pin = SimPin.Normalize(claim.Pin);
        if (!Iccid.TryParse(claim.IccidInput, out var iccid) || !SimPin.IsWellFormed(pin))
        {
            return new LinkResult(LinkStatus.Malformed);
        }
        var subjects = Subjects(claim, iccid);
        var gate = await limiter.CheckAsync(AttemptPurposes.SimPin, subjects, claim.ChallengeSolution, ct);
        if (!gate.IsOpen)
        {
            return Held(gate);
        }

        var sim = await db.Sims.SingleOrDefaultAsync(s => s.Iccid == iccid.Value, ct);
        if (sim is not null && sim.OwnerId == claim.UserId)
        {
            return new LinkResult(LinkStatus.AlreadyYours, sim.Id);
        }
        // Always one PIN check (against a decoy when there is no such card), so the time an answer
        // takes tells nothing about which ICCIDs exist.
        var pinMatches = SimPin.Matches(sim?.Kind == SimKind.Physical ? sim.PinHash : null, pin);
        if (sim is null || !pinMatches || sim.OwnerId is not null)
        {
            logger.LogInformation("Account {UserId} could not add a SIM: not accepted", claim.UserId);
            await limiter.RecordFailureAsync(AttemptPurposes.SimPin, subjects, new Actor(claim.UserId, null, claim.Ip), ct);
            return new LinkResult(LinkStatus.NotAccepted);
        }

        sim.AssignTo(claim.UserId, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone else linked it a moment ago (the row version moved): theirs, not ours.
            return new LinkResult(LinkStatus.NotAccepted);
        }
        logger.LogInformation("SIM {SimId} added to account {UserId}", sim.Id, claim.UserId);
        return new LinkResult(LinkStatus.Linked, sim.Id);
    }

    private static AttemptSubject[] Subjects(SimClaim claim, Iccid iccid) => claim.Ip is null
        ? [AttemptSubject.Account(claim.UserId), AttemptSubject.Sim(iccid.Value)]
        : [AttemptSubject.Account(claim.UserId), AttemptSubject.Sim(iccid.Value), AttemptSubject.Address(claim.Ip)];

    private static LinkResult Held(AttemptGate gate) => gate.LockedUntil is { } until
        ? new LinkResult(LinkStatus.Locked, LockedUntil: until)
        : new LinkResult(LinkStatus.ChallengeRequired);

    // The plan's three names, not Plan.Name: projecting the complex property reads the plan's whole row (descriptions too).
    private static readonly System.Linq.Expressions.Expression<Func<Sim, SimSummary>> Summary = s => new SimSummary(
        s.Id,
        s.Iccid,
        s.Kind,
        s.Label,
        s.CurrentPlanVersion == null ? null : new LocalizedText(s.CurrentPlanVersion.Plan.Name.ZhHans, s.CurrentPlanVersion.Plan.Name.Ja, s.CurrentPlanVersion.Plan.Name.En),
        s.ExpiresAt,
        s.DataLeftMb,
        s.IsUnlimited,
        s.RenewalCount);
}
