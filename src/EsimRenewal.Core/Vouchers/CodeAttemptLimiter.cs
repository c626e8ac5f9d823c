using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EsimRenewal.Core.Vouchers;

/// <summary>
/// Brute-force defence for voucher codes: failed attempts per subject (account, staff member, IP) are
/// counted in PostgreSQL with one atomic upsert each, so the limit holds across every instance of the
/// portal. Reaching the limit locks the subject for a while and writes an audit entry, once per lockout.
/// </summary>
public sealed class CodeAttemptLimiter(EsimDbContext db, IOptions<VoucherOptions> options, TimeProvider clock, ILogger<CodeAttemptLimiter> logger)
{
    /// <summary>When the longest running lock on any of the subjects ends, or null when none is locked.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        if (keys.Count == 0)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        return await db.CodeAttemptCounters.AsNoTracking()
            .Where(c => keys.Contains(c.Key) && c.LockedUntil > now)
            .MaxAsync(c => c.LockedUntil, ct);
    }

    /// <summary>
    /// Counts one failed attempt for each subject. Returns when the lock ends if any subject is now
    /// locked. Runs outside any business transaction: a refused attempt changes nothing else.
    /// </summary>
    public async Task<DateTimeOffset?> RecordFailureAsync(IReadOnlyCollection<string> keys, Actor actor, CancellationToken ct = default)
    {
        var limits = options.Value;
        var now = clock.GetUtcNow();
        var windowStart = now - limits.FailureWindow;
        var lockUntil = now + limits.LockoutDuration;
        var max = limits.MaxFailures;
        foreach (var key in keys)
        {
            // One statement, atomic under concurrency (the row lock of ON CONFLICT DO UPDATE): a window
            // older than FailureWindow, or a lock that has run out, starts counting again from 1.
            var failures = (await db.Database.SqlQuery<int>($"""
                INSERT INTO code_attempt_counters AS c (key, failures, window_started_at, locked_until)
                VALUES ({key}, 1, {now}, CASE WHEN {max} <= 1 THEN {lockUntil} END)
                ON CONFLICT (key) DO UPDATE SET
                    failures = CASE WHEN c.window_started_at <= {windowStart} OR c.locked_until <= {now}
                                    THEN 1 ELSE c.failures + 1 END,
                    window_started_at = CASE WHEN c.window_started_at <= {windowStart} OR c.locked_until <= {now}
                                             THEN {now} ELSE c.window_started_at END,
                    locked_until = CASE
                        WHEN c.locked_until > {now} THEN c.locked_until
                        WHEN (CASE WHEN c.window_started_at <= {windowStart} OR c.locked_until <= {now}
                                   THEN 1 ELSE c.failures + 1 END) >= {max} THEN {lockUntil}
                        ELSE NULL END
                RETURNING failures AS "Value"
                """).ToListAsync(ct)).Single();

            if (failures == max)
            {
                // Exactly one attempt reaches the limit (the upsert serialises them): one entry per lockout.
                var subject = key[..key.IndexOf(':', StringComparison.Ordinal)];
                AuditLog.Record(db, actor, "voucher.attempts-locked", nameof(CodeAttemptCounter), key, null,
                    new { subject, failures, lockedUntil = lockUntil }, now);
                await db.SaveChangesAsync(ct);
                logger.LogWarning("Voucher code attempts locked for a {Subject} after {Failures} failures, until {LockedUntil}; actor {ActorId}",
                    subject, failures, lockUntil, actor.UserId);
            }
        }
        return await LockedUntilAsync(keys, ct);
    }
}
