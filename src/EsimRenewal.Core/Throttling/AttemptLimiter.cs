using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Core.Throttling;

public enum AttemptSubjectKind
{
    Account,
    Staff,
    Sim,
    Address,

    /// <summary>A sign-in identifier (email or mobile number) that matches no account.</summary>
    Identifier,
}

/// <summary>Whose failures count: an account, a staff member, a SIM or an IP address.</summary>
public sealed record AttemptSubject(AttemptSubjectKind Kind, string Id)
{
    public static AttemptSubject Account(string userId) => new(AttemptSubjectKind.Account, userId);

    public static AttemptSubject Staff(string userId) => new(AttemptSubjectKind.Staff, userId);

    public static AttemptSubject Sim(string iccid) => new(AttemptSubjectKind.Sim, iccid);

    public static AttemptSubject Address(string ip) => new(AttemptSubjectKind.Address, ip);

    public static AttemptSubject Identifier(string normalizedIdentifier) => new(AttemptSubjectKind.Identifier, normalizedIdentifier);

    /// <summary>The counter's key: failures at one secret never count against another.</summary>
    public string KeyFor(string purpose) => $"{purpose}/{Kind.ToString().ToLowerInvariant()}:{Id}";
}

/// <summary>The secrets whose guessing is limited; each has counters of its own.</summary>
public static class AttemptPurposes
{
    public const string Voucher = "voucher";
    public const string SimPin = "sim-pin";
    public const string OneTimeCode = "one-time-code";

    /// <summary>Passwords at sign-in: per unknown identifier (known accounts have Identity's lockout) and per address.</summary>
    public const string SignIn = "sign-in";

    /// <summary>Registrations: every one counts against its address, which limits how many accounts one address makes.</summary>
    public const string Registration = "registration";

    /// <summary>Authenticator and recovery codes at sign-in: per account and per address.</summary>
    public const string TwoFactor = "two-factor";

    /// <summary>The current password asked again by a signed-in session (changing it, deleting the account).</summary>
    public const string PasswordCheck = "password-check";
}

/// <summary>
/// Whether an attempt may go ahead: not while a subject is locked, and from a busy address only with
/// a solved challenge.
/// </summary>
public sealed record AttemptGate(DateTimeOffset? LockedUntil, bool ChallengeRequired)
{
    public static readonly AttemptGate Open = new(null, false);

    public bool IsOpen => LockedUntil is null && !ChallengeRequired;
}

/// <summary>
/// Brute-force defence for every secret a person types. Failed attempts per subject are counted in
/// PostgreSQL with one atomic upsert each, so the limits hold across every instance of the portal.
/// Accounts, staff members and SIMs are locked for a while past their limit; an address is never
/// locked (it may be a whole hotel or a carrier's NAT) but must then solve a proof-of-work challenge
/// for each attempt. Reaching a limit writes one audit entry.
/// </summary>
public sealed class AttemptLimiter(
    EsimDbContext db,
    IOptions<AttemptLimitOptions> options,
    ProofOfWork proofOfWork,
    TimeProvider clock,
    ILogger<AttemptLimiter> logger)
{
    /// <summary>
    /// Before an attempt: refused while a subject is locked; from a held-back address, let through only
    /// with a valid, unspent challenge solution (which this spends).
    /// </summary>
    public async Task<AttemptGate> CheckAsync(string purpose, IReadOnlyCollection<AttemptSubject> subjects, string? challengeSolution, CancellationToken ct = default)
    {
        var held = await HeldBackAsync(purpose, subjects, ct);
        if (held.LockedUntil is not null)
        {
            return new AttemptGate(held.LockedUntil, false);
        }
        if (held.AddressHeld && !await SpendAsync(challengeSolution, ct))
        {
            return new AttemptGate(null, true);
        }
        return AttemptGate.Open;
    }

    /// <summary>
    /// Counts one failed attempt for each subject; returns what the next attempt will meet. Runs outside
    /// any business transaction: a refused attempt changes nothing else.
    /// </summary>
    public async Task<AttemptGate> RecordFailureAsync(string purpose, IReadOnlyCollection<AttemptSubject> subjects, Actor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        foreach (var subject in subjects)
        {
            var limit = LimitOf(subject.Kind);
            var key = subject.KeyFor(purpose);
            var windowStart = now - limit.Window;
            var holdUntil = now + limit.HoldBack;
            var max = limit.MaxFailures;
            // One statement, atomic under concurrency (the row lock of ON CONFLICT DO UPDATE): a window
            // older than the limit's, or a hold that has run out, starts counting again from 1.
            var failures = (await db.Database.SqlQuery<int>($"""
                INSERT INTO attempt_counters AS c (key, failures, window_started_at, locked_until)
                VALUES ({key}, 1, {now}, CASE WHEN {max} <= 1 THEN {holdUntil} END)
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN c.window_started_at <= {windowStart} OR c.locked_until <= {now}
                                    THEN 1 ELSE c.failures + 1 END,
                    window_started_at = CASE WHEN c.window_started_at <= {windowStart} OR c.locked_until <= {now}
                                             THEN {now} ELSE c.window_started_at END,
                    locked_until = CASE
                        WHEN c.locked_until > {now} THEN c.locked_until
                        WHEN (CASE WHEN c.window_started_at <= {windowStart} OR c.locked_until <= {now}
                                   THEN 1 ELSE c.failures + 1 END) >= {max} THEN {holdUntil}
                        ELSE NULL END
                RETURNING failures AS "Value"
                """).ToListAsync(ct)).Single();

            if (failures == max)
            {
                // Exactly one attempt reaches the limit (the upsert serialises them): one entry per hold.
                var kind = subject.Kind.ToString().ToLowerInvariant();
                AuditLog.Record(db, actor, purpose + ".attempts-locked", nameof(AttemptCounter), key, null,
                    new { subject = kind, failures, lockedUntil = holdUntil }, now);
                await db.SaveChangesAsync(ct);
                logger.LogWarning("Attempts at {Purpose} held back for a {Subject} after {Failures} failures, until {LockedUntil}; actor {ActorId}",
                    purpose, kind, failures, holdUntil, actor.UserId);
            }
        }
        var held = await HeldBackAsync(purpose, subjects, ct);
        return new AttemptGate(held.LockedUntil, held.AddressHeld && held.LockedUntil is null);
    }

    /// <summary>
    /// The challenge a form must carry when it is shown to an address that is held back (null when
    /// the address is not): every form that leads to an attempt asks for one when it is rendered.
    /// </summary>
    public async Task<ProofOfWorkChallenge?> ChallengeForAsync(string purpose, string? ip, CancellationToken ct = default) =>
        ip is not null && (await HeldBackAsync(purpose, [AttemptSubject.Address(ip)], ct)).AddressHeld
            ? proofOfWork.Issue(options.Value.ChallengeMaxNumber, clock.GetUtcNow() + options.Value.ChallengeLifetime)
            : null;

    private async Task<(DateTimeOffset? LockedUntil, bool AddressHeld)> HeldBackAsync(string purpose, IReadOnlyCollection<AttemptSubject> subjects, CancellationToken ct)
    {
        if (subjects.Count == 0)
        {
            return (null, false);
        }
        var now = clock.GetUtcNow();
        var keys = subjects.DistinctBy(s => s.KeyFor(purpose)).ToDictionary(s => s.KeyFor(purpose), s => s.Kind);
        var keyList = keys.Keys.ToList();
        var held = await db.AttemptCounters.AsNoTracking()
            .Where(c => keyList.Contains(c.Key) && c.LockedUntil > now)
            .Select(c => new { c.Key, c.LockedUntil })
            .ToListAsync(ct);
        var locks = held.Where(h => keys[h.Key] != AttemptSubjectKind.Address).Select(h => h.LockedUntil).ToList();
        return (locks.Count == 0 ? null : locks.Max(), held.Any(h => keys[h.Key] == AttemptSubjectKind.Address));
    }

    /// <summary>True when the solution is valid and was not used before; it cannot be used again.</summary>
    private async Task<bool> SpendAsync(string? solution, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (proofOfWork.Verify(solution, now) is not { } id)
        {
            return false;
        }
        var expiresAt = ProofOfWork.ExpiryOf(solution!);
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO spent_challenges (id, expires_at) VALUES ({id}, {expiresAt}) ON CONFLICT (id) DO NOTHING", ct);
        // Keep the table small: spent challenges matter only until they expire.
        await db.Database.ExecuteSqlAsync(
            $"DELETE FROM spent_challenges WHERE id IN (SELECT id FROM spent_challenges WHERE expires_at < {now} LIMIT 100)", ct);
        return inserted == 1;
    }

    private AttemptLimit LimitOf(AttemptSubjectKind kind) => kind switch
    {
        AttemptSubjectKind.Sim => options.Value.Sim,
        AttemptSubjectKind.Address => options.Value.Address,
        AttemptSubjectKind.Identifier => options.Value.SignIn,
        _ => options.Value.Account,
    };
}
