using System.Text.Json;
using EsimRenewal.Core.Data;

namespace EsimRenewal.Core.Auditing;

/// <summary>Who did something, from where: passed from the page to the service.</summary>
public sealed record Actor(string? UserId, string? Name, string? Ip)
{
    public static readonly Actor System = new(null, "system", null);
}

/// <summary>
/// Adds audit entries to the caller's unit of work, so an action and its audit entry commit
/// together. Snapshots are serialised objects chosen by the caller: never codes, PINs or secrets.
/// </summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Record(EsimDbContext db, Actor actor, string action, string? entityType, string? entityId, object? before, object? after, DateTimeOffset now) =>
        db.AuditEntries.Add(new AuditEntry(
            actor.UserId,
            actor.Name,
            action,
            entityType,
            entityId,
            actor.Ip,
            before is null ? null : JsonSerializer.Serialize(before, Json),
            after is null ? null : JsonSerializer.Serialize(after, Json),
            now));
}
