using System.Globalization;

namespace EsimRenewal.Core.Common;

/// <summary>Japan Standard Time: times are stored as UTC and shown in JST (Asia/Tokyo).</summary>
public static class Jst
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    public static DateTimeOffset ToJst(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(ToJst(instant).DateTime);

    /// <summary>23:59:59 JST of the JST calendar day that contains <paramref name="instant"/>, as UTC.</summary>
    public static DateTimeOffset EndOfDay(DateTimeOffset instant) => EndOfDay(DateOf(instant));

    public static DateTimeOffset EndOfDay(DateOnly jstDate)
    {
        var local = jstDate.ToDateTime(new TimeOnly(23, 59, 59));
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>00:00 JST of a JST calendar day, as an instant (the start of a day-based filter).</summary>
    public static DateTimeOffset StartOfDay(DateOnly jstDate)
    {
        var local = jstDate.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>"2026-12-03 23:59 JST": the form used on renewal previews, receipts and emails.</summary>
    public static string Format(DateTimeOffset instant) =>
        ToJst(instant).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " JST";
}
