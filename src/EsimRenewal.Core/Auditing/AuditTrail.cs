using EsimRenewal.Core.Common;
using EsimRenewal.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.Core.Auditing;

/// <summary>
/// What the audit page asks for. <see cref="Actor"/> is an account id, or the email address / E.164
/// mobile number it signs in with; <see cref="ActionPrefix"/> matches the start of an action
/// (<c>user.</c>, <c>account.sign-in</c>); the dates are JST calendar days, both included.
/// </summary>
public sealed record AuditSearch(string? Actor = null, string? ActionPrefix = null, DateOnly? From = null, DateOnly? To = null, string? EntityId = null, int Page = 1);

public sealed record AuditRow(
    long Id,
    DateTimeOffset At,
    string? ActorId,
    string? ActorName,
    string Action,
    string? EntityType,
    string? EntityId,
    string? Ip,
    string? Before,
    string? After,
    string? EntityName = null);

public sealed record AuditPage(IReadOnlyList<AuditRow> Entries, int Page, bool HasNext);

/// <summary>Reads the audit log (append-only: nothing here or anywhere changes or deletes an entry).</summary>
public sealed class AuditTrail(EsimDbContext db)
{
    public const int PageSize = 50;

    /// <summary>The entity type of entries about an account (its id is the entity id).</summary>
    public const string UserEntityType = "User";

    /// <summary>Entries matching every filter given, newest first, one page.</summary>
    public async Task<AuditPage> SearchAsync(AuditSearch search, CancellationToken ct = default)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search.Actor))
        {
            var actor = search.Actor.Trim();
            var lowered = actor.ToLowerInvariant();
            var normalized = actor.ToUpperInvariant();
            // The account's id, or the identifier it signed in with then (the name kept on the entry) or now.
            var accounts = db.Users.Where(u => u.Id == actor || u.NormalizedEmail == normalized || u.PhoneNumber == actor).Select(u => u.Id);
            entries = entries.Where(e => e.ActorId == actor || e.ActorName == lowered || e.ActorName == actor || accounts.Contains(e.ActorId!));
        }
        if (!string.IsNullOrWhiteSpace(search.ActionPrefix))
        {
            var prefix = search.ActionPrefix.Trim();
            entries = entries.Where(e => e.Action.StartsWith(prefix));
        }
        if (search.From is { } from)
        {
            var start = Jst.StartOfDay(from);
            entries = entries.Where(e => e.At >= start);
        }
        if (search.To is { } to)
        {
            var end = Jst.StartOfDay(to.AddDays(1));
            entries = entries.Where(e => e.At < end);
        }
        if (!string.IsNullOrWhiteSpace(search.EntityId))
        {
            var entityId = search.EntityId.Trim();
            entries = entries.Where(e => e.EntityId == entityId);
        }
        var page = Math.Max(1, search.Page);
        var rows = await entries
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((page - 1) * PageSize)
            .Take(PageSize + 1)
            .Select(e => new AuditRow(e.Id, e.At, e.ActorId, e.ActorName, e.Action, e.EntityType, e.EntityId, e.Ip, e.Before, e.After,
                // An account is shown by the name it signs in with now (the entry keeps only its id).
                e.EntityType == UserEntityType ? db.Users.Where(u => u.Id == e.EntityId).Select(u => u.UserName).FirstOrDefault() : null))
            .ToListAsync(ct);
        return new AuditPage(rows.Take(PageSize).ToList(), page, rows.Count > PageSize);
    }
}
