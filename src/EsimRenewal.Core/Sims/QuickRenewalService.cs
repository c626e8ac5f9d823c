using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Throttling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EsimRenewal.Core.Sims;

/// <summary>Someone renewing without an account: where they are, their solved challenge (if asked), their language.</summary>
public sealed record Holder(string? Ip, string? ChallengeSolution, string Culture);

public enum ProofStatus
{
    /// <summary>The holder proved the SIM is theirs: <see cref="ProofResult.SimId"/> may be renewed.</summary>
    Verified,

    /// <summary>Not a valid ICCID, PIN, email or code: a typo, caught before any look-up.</summary>
    Malformed,

    /// <summary>Wrong PIN or code, or no such SIM: one answer for all.</summary>
    NotAccepted,

    /// <summary>A code was sent if the ICCID and email match an eSIM (the answer is the same either way).</summary>
    CodeSent,

    /// <summary>The code ran out (10 minutes), was used, or was tried 5 times: ask for a new one.</summary>
    CodeSpent,

    Locked,
    ChallengeRequired,
}

public sealed record ProofResult(ProofStatus Status, Guid? SimId = null, Guid? CodeId = null, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Quick renewal without an account: the holder of a physical SIM proves it with the PIN on its card,
/// the holder of an eSIM with a one-time code sent to the email it was bought with. Answers never tell
/// whether an ICCID exists or whose it is; PIN guesses count against the same per-SIM limit as adding
/// the SIM to an account, and every attempt against the address's.
/// </summary>
public sealed class QuickRenewalService(EsimDbContext db, AttemptLimiter limiter, TimeProvider clock, ILogger<QuickRenewalService> logger)
{
    /// <summary>Code requests are limited like guesses: per eSIM (ICCID) and per address.</summary>
    public const string CodeRequestPurpose = "one-time-code-request";

    public async Task<ProofResult> ProvePhysicalAsync(string? iccidInput, string? pinInput, Holder holder, CancellationToken ct = default)
    {
        var pin = SimPin.Normalize(pinInput);
        if (!Iccid.TryParse(iccidInput, out var iccid) || !SimPin.IsWellFormed(pin))
        {
            return new ProofResult(ProofStatus.Malformed);
        }
        var subjects = Subjects(holder, AttemptSubject.Sim(iccid.Value));
        var gate = await limiter.CheckAsync(AttemptPurposes.SimPin, subjects, holder.ChallengeSolution, ct);
        if (!gate.IsOpen)
        {
            return Held(gate);
        }
        var sim = await db.Sims.AsNoTracking().SingleOrDefaultAsync(s => s.Iccid == iccid.Value, ct);
        // One PIN check whatever was found, so the time taken tells nothing either.
        if (!SimPin.Matches(sim?.Kind == SimKind.Physical ? sim.PinHash : null, pin))
        {
            await limiter.RecordFailureAsync(AttemptPurposes.SimPin, subjects, new Actor(null, "quick-renewal", holder.Ip), ct);
            return new ProofResult(ProofStatus.NotAccepted);
        }
        logger.LogInformation("SIM {SimId} proved with its card PIN for a quick renewal", sim!.Id);
        return new ProofResult(ProofStatus.Verified, sim.Id);
    }

    /// <summary>
    /// Sends a one-time code to the eSIM's purchase email when the ICCID and email match one; answers
    /// <see cref="ProofStatus.CodeSent"/> with a code id either way.
    /// </summary>
    public async Task<ProofResult> SendCodeAsync(string? iccidInput, string? emailInput, Holder holder, CancellationToken ct = default)
    {
        if (!Iccid.TryParse(iccidInput, out var iccid)
            || !SignInIdentifier.TryParse(emailInput, out var email) || email.Kind != IdentifierKind.Email)
        {
            return new ProofResult(ProofStatus.Malformed);
        }
        var subjects = Subjects(holder, AttemptSubject.Sim(iccid.Value));
        var gate = await limiter.CheckAsync(CodeRequestPurpose, subjects, holder.ChallengeSolution, ct);
        if (!gate.IsOpen)
        {
            return Held(gate);
        }
        // Every request counts, matching or not: it limits how many emails one eSIM or address can cause.
        await limiter.RecordFailureAsync(CodeRequestPurpose, subjects, new Actor(null, "quick-renewal", holder.Ip), ct);

        var now = clock.GetUtcNow();
        var sim = await db.Sims.AsNoTracking()
            .Where(s => s.Iccid == iccid.Value && s.Kind == SimKind.Esim && s.PurchaseEmail != null && s.PurchaseEmail.ToLower() == email.Value)
            .Select(s => new { s.Id, s.PurchaseEmail })
            .SingleOrDefaultAsync(ct);
        var (row, code) = OneTimeCode.Issue(sim?.Id, now);
        db.OneTimeCodes.Add(row);
        if (sim is not null)
        {
            db.OutgoingEmails.Add(OutgoingEmail.OneTimeCode(row.Id, sim.PurchaseEmail!, code, holder.Culture, now, row.ExpiresAt));
            logger.LogInformation("One-time code {CodeId} sent for eSIM {SimId}", row.Id, sim.Id);
        }
        await db.SaveChangesAsync(ct);
        return new ProofResult(ProofStatus.CodeSent, CodeId: row.Id);
    }

    public async Task<ProofResult> VerifyCodeAsync(Guid codeId, string? codeInput, Holder holder, CancellationToken ct = default)
    {
        var code = SimPin.Normalize(codeInput);
        if (!OneTimeCode.IsWellFormed(code))
        {
            return new ProofResult(ProofStatus.Malformed, CodeId: codeId);
        }
        var subjects = Subjects(holder);
        var gate = await limiter.CheckAsync(AttemptPurposes.OneTimeCode, subjects, holder.ChallengeSolution, ct);
        if (!gate.IsOpen)
        {
            return Held(gate) with { CodeId = codeId };
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The row is locked while it is checked: concurrent guesses queue, and each counts.
        var row = await db.OneTimeCodes.FromSql($"SELECT * FROM one_time_codes WHERE id = {codeId} FOR UPDATE").SingleOrDefaultAsync(ct);
        var simId = row?.TryUse(code!, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (simId is { } verified)
        {
            logger.LogInformation("One-time code {CodeId} verified for eSIM {SimId}", codeId, verified);
            return new ProofResult(ProofStatus.Verified, verified, codeId);
        }
        await limiter.RecordFailureAsync(AttemptPurposes.OneTimeCode, subjects, new Actor(null, "quick-renewal", holder.Ip), ct);
        return new ProofResult(row is null || row.IsSpent(now) ? ProofStatus.CodeSpent : ProofStatus.NotAccepted, CodeId: codeId);
    }

    private static AttemptSubject[] Subjects(Holder holder, params AttemptSubject[] subjects) =>
        holder.Ip is null ? subjects : [.. subjects, AttemptSubject.Address(holder.Ip)];

    private static ProofResult Held(AttemptGate gate) => gate.LockedUntil is { } until
        ? new ProofResult(ProofStatus.Locked, LockedUntil: until)
        : new ProofResult(ProofStatus.ChallengeRequired);
}
