namespace EsimRenewal.Core.Plans;

/// <summary>The storefront's duration filter: short trips, about a week, about a month, longer stays.</summary>
public enum DurationBand
{
    Day,
    Week,
    Month,
    Longer,
}

public static class DurationBands
{
    public static DurationBand Of(int validityDays) => validityDays switch
    {
        <= 3 => DurationBand.Day,
        <= 14 => DurationBand.Week,
        <= 31 => DurationBand.Month,
        _ => DurationBand.Longer,
    };

    /// <summary>The inclusive range of validity days in a band, for database queries.</summary>
    public static (int MinDays, int MaxDays) Range(DurationBand band) => band switch
    {
        DurationBand.Day => (1, 3),
        DurationBand.Week => (4, 14),
        DurationBand.Month => (15, 31),
        _ => (32, PlanTerms.MaxValidityDays),
    };
}
