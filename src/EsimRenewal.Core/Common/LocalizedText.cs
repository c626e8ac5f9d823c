using System.Globalization;

namespace EsimRenewal.Core.Common;

/// <summary>A short text in the three languages of the product.</summary>
public sealed record LocalizedText(string ZhHans, string Ja, string En)
{
    public const int MaxLength = 200;

    public string For(CultureInfo culture)
    {
        for (var c = culture; c != CultureInfo.InvariantCulture; c = c.Parent)
        {
            switch (c.Name)
            {
                case "zh-Hans" or "zh-CN" or "zh-SG" or "zh":
                    return ZhHans;
                case "ja":
                    return Ja;
                case "en":
                    return En;
            }
        }
        return En;
    }
}
