using System.Globalization;

namespace EsimRenewal.Core.Common;

/// <summary>A short text in the three languages of the product.</summary>
public sealed record LocalizedText(string ZhHans, string Ja, string En)
{
    public const int MaxLength = 200;

    public const string ZhHansLanguage = "zh-Hans";
    public const string JaLanguage = "ja";
    public const string EnLanguage = "en";

    public string For(CultureInfo culture) => LanguageOf(culture) switch
    {
        ZhHansLanguage => ZhHans,
        JaLanguage => Ja,
        _ => En,
    };

    /// <summary>Which of the three texts a culture reads: "zh-Hans", "ja" or "en" (also for database queries that fetch one).</summary>
    public static string LanguageOf(CultureInfo culture)
    {
        for (var c = culture; c != CultureInfo.InvariantCulture; c = c.Parent)
        {
            switch (c.Name)
            {
                case "zh-Hans" or "zh-CN" or "zh-SG" or "zh":
                    return ZhHansLanguage;
                case "ja":
                    return JaLanguage;
                case "en":
                    return EnLanguage;
            }
        }
        return EnLanguage;
    }
}
