namespace EsimRenewal.Core.Vouchers;

/// <summary>Where voucher cards are sold. Stored by these codes; the UI shows localised names.</summary>
public static class SalesChannels
{
    public const string FamilyMart = "familymart";
    public const string Lawson = "lawson";
    public const string Ministop = "ministop";
    public const string Seicomart = "seicomart";
    public const string SevenEleven = "seven-eleven";
    public const string DailyYamazaki = "daily-yamazaki";
    public const string SupportDesk = "support-desk";

    public static readonly IReadOnlyList<string> All =
        [FamilyMart, Lawson, Ministop, Seicomart, SevenEleven, DailyYamazaki, SupportDesk];

    public static bool IsKnown(string? channel) => channel is not null && All.Contains(channel);
}
