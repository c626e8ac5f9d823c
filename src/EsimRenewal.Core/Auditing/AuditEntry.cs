namespace EsimRenewal.Core.Auditing;

/// <summary>One staff or admin action: who, what, when, from where, before/after.</summary>
public sealed class AuditEntry
{
    public const int ActorMaxLength = 256;
    public const int ActionMaxLength = 100;
    public const int EntityTypeMaxLength = 100;
    public const int EntityIdMaxLength = 100;
    public const int IpMaxLength = 45;

    private AuditEntry()
    {
    }

    public AuditEntry(string? actorId, string? actorName, string action, string? entityType, string? entityId, string? ip, string? beforeJson, string? afterJson, DateTimeOffset now)
    {
        ActorId = actorId;
        ActorName = actorName;
        Action = action;
        EntityType = entityType;
        EntityId = entityId;
        Ip = ip;
        Before = beforeJson;
        After = afterJson;
        At = now;
    }

    public long Id { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string? ActorId { get; private set; }
    public string? ActorName { get; private set; }
    public string Action { get; private set; } = "";
    public string? EntityType { get; private set; }
    public string? EntityId { get; private set; }
    public string? Ip { get; private set; }

    /// <summary>JSON snapshots (jsonb); never secrets or voucher codes.</summary>
    public string? Before { get; private set; }
    public string? After { get; private set; }
}
