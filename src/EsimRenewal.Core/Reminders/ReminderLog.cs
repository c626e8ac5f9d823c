namespace EsimRenewal.Core.Reminders;

public enum ReminderKind
{
    ThreeDaysBefore,
    OneDayBefore,
}

/// <summary>
/// A sent expiry reminder. Unique on (SIM, expiry, kind): exactly one reminder per SIM per expiry
/// per kind, whichever instance sends it.
/// </summary>
public sealed class ReminderLog
{
    private ReminderLog()
    {
    }

    public ReminderLog(Guid simId, DateTimeOffset expiresAt, ReminderKind kind, DateTimeOffset now)
    {
        SimId = simId;
        ExpiresAt = expiresAt;
        Kind = kind;
        SentAt = now;
    }

    public long Id { get; private set; }
    public Guid SimId { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public ReminderKind Kind { get; private set; }
    public DateTimeOffset SentAt { get; private set; }
}
