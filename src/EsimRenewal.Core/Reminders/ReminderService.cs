using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace EsimRenewal.Core.Reminders;

/// <summary>What a reminder email says about its SIM, read when it is sent.</summary>
public sealed record ReminderSubject(Guid SimId, string Iccid, DateTimeOffset? ExpiresAt, LocalizedText? PlanName, bool HasOwner);

/// <summary>
/// Queues expiry reminders for the owners of SIMs that expire soon: exactly one per SIM, expiry and
/// kind, whichever instance runs it and however often. The reminder log row and the email are
/// written in one transaction; the log's unique key makes a second writer (another instance, a
/// second run) write nothing. A renewal moves the expiry, so no reminder of the old one is queued.
/// SIMs whose owner has no email address get none.
/// </summary>
public sealed class ReminderService(EsimDbContext db, TimeProvider clock, ILogger<ReminderService> logger)
{
    /// <summary>Queues the reminders that are due; returns how many this call queued.</summary>
    public async Task<int> QueueDueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var horizon = now.AddDays(ReminderSchedule.DaysBefore(ReminderKind.ThreeDaysBefore) + 1);
        var candidates = await (
                from sim in db.Sims.AsNoTracking()
                join user in db.Users on sim.OwnerId equals user.Id
                where sim.ExpiresAt > now && sim.ExpiresAt <= horizon && user.Email != null && user.Email != ""
                select new { sim.Id, ExpiresAt = sim.ExpiresAt!.Value, user.Email, user.PreferredCulture })
            .ToListAsync(ct);
        var queued = 0;
        foreach (var sim in candidates)
        {
            if (ReminderSchedule.DueAt(sim.ExpiresAt, now) is not { } kind)
            {
                continue;
            }
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var logged = await db.Database.ExecuteSqlAsync($"""
                INSERT INTO reminder_logs (sim_id, expires_at, kind, sent_at) VALUES ({sim.Id}, {sim.ExpiresAt}, {kind.ToString()}, {now})
                ON CONFLICT (sim_id, expires_at, kind) DO NOTHING
                """, ct);
            if (logged == 1)
            {
                db.OutgoingEmails.Add(OutgoingEmail.Reminder(sim.Id, sim.ExpiresAt, kind, sim.Email!, sim.PreferredCulture, now));
                await db.SaveChangesAsync(ct);
                queued++;
                logger.LogInformation("Expiry reminder {ReminderKind} queued for SIM {SimId}", kind, sim.Id);
            }
            await transaction.CommitAsync(ct);
        }
        return queued;
    }

    /// <summary>The SIM a reminder is about, as it is now.</summary>
    public async Task<ReminderSubject?> GetSubjectAsync(Guid simId, CancellationToken ct = default) =>
        await db.Sims.AsNoTracking()
            .Where(s => s.Id == simId)
            .Select(s => new ReminderSubject(s.Id, s.Iccid, s.ExpiresAt, s.CurrentPlanVersion == null ? null : s.CurrentPlanVersion.Plan.Name, s.OwnerId != null))
            .SingleOrDefaultAsync(ct);
}
