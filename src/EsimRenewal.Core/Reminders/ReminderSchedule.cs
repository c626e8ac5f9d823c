using EsimRenewal.Core.Common;

namespace EsimRenewal.Core.Reminders;

/// <summary>
/// When expiry reminders are due: at 09:00 JST three days and one day before the JST date a SIM
/// expires on (validity ends 23:59:59 JST of that date). Once the one-day reminder is due, the
/// three-day one is not sent any more (it would arrive late and together with it).
/// </summary>
public static class ReminderSchedule
{
    public static readonly TimeOnly SendFrom = new(9, 0);

    public static int DaysBefore(ReminderKind kind) => kind == ReminderKind.ThreeDaysBefore ? 3 : 1;

    /// <summary>The reminder due now for a SIM expiring at <paramref name="expiresAt"/>, if any.</summary>
    public static ReminderKind? DueAt(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        if (now >= expiresAt)
        {
            return null;
        }
        if (now >= DueFrom(expiresAt, ReminderKind.OneDayBefore))
        {
            return ReminderKind.OneDayBefore;
        }
        return now >= DueFrom(expiresAt, ReminderKind.ThreeDaysBefore) ? ReminderKind.ThreeDaysBefore : null;
    }

    public static DateTimeOffset DueFrom(DateTimeOffset expiresAt, ReminderKind kind)
    {
        var day = Jst.DateOf(expiresAt).AddDays(-DaysBefore(kind)).ToDateTime(SendFrom);
        return new DateTimeOffset(day, Jst.Zone.GetUtcOffset(day)).ToUniversalTime();
    }
}
