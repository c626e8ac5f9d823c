using EsimRenewal.Core.Common;
using EsimRenewal.Core.Reminders;

namespace EsimRenewal.UnitTests.Reminders;

public class ReminderScheduleTests
{
    // Valid until 2026-12-10 23:59:59 JST.
    private static readonly DateTimeOffset Expiry = Jst.EndOfDay(new DateOnly(2026, 12, 10));

    private static DateTimeOffset JstTime(int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, 12, day, hour, minute, 0, TimeSpan.FromHours(9));

    [Fact]
    public void Nothing_is_due_before_nine_in_the_morning_three_days_before()
    {
        Assert.Null(ReminderSchedule.DueAt(Expiry, JstTime(7, 8, 59)));
        Assert.Null(ReminderSchedule.DueAt(Expiry, JstTime(6, 12)));
    }

    [Fact]
    public void The_three_day_reminder_is_due_from_nine_in_the_morning_three_days_before_in_japan_time()
    {
        Assert.Equal(ReminderKind.ThreeDaysBefore, ReminderSchedule.DueAt(Expiry, JstTime(7, 9)));
        Assert.Equal(ReminderKind.ThreeDaysBefore, ReminderSchedule.DueAt(Expiry, JstTime(9, 8, 59)));
        Assert.Equal(JstTime(7, 9), ReminderSchedule.DueFrom(Expiry, ReminderKind.ThreeDaysBefore));
    }

    [Fact]
    public void The_one_day_reminder_takes_over_from_nine_in_the_morning_the_day_before()
    {
        Assert.Equal(ReminderKind.OneDayBefore, ReminderSchedule.DueAt(Expiry, JstTime(9, 9)));
        Assert.Equal(ReminderKind.OneDayBefore, ReminderSchedule.DueAt(Expiry, JstTime(10, 23, 59)));
    }

    [Fact]
    public void Nothing_is_due_once_the_sim_has_expired()
    {
        Assert.Null(ReminderSchedule.DueAt(Expiry, Expiry));
        Assert.Null(ReminderSchedule.DueAt(Expiry, JstTime(11, 9)));
    }

    [Fact]
    public void The_day_is_the_japanese_calendar_day_not_the_utc_one()
    {
        // 2026-12-07 00:30 UTC is already 09:30 on the 7th in Japan.
        Assert.Equal(ReminderKind.ThreeDaysBefore, ReminderSchedule.DueAt(Expiry, new DateTimeOffset(2026, 12, 7, 0, 30, 0, TimeSpan.Zero)));
        Assert.Null(ReminderSchedule.DueAt(Expiry, new DateTimeOffset(2026, 12, 6, 23, 30, 0, TimeSpan.Zero)));
    }
}
