using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace EsimRenewal.Web.Infrastructure.Localization;

/// <summary>The three UI languages: chosen from the cookie, else Accept-Language, else English.</summary>
public static class Cultures
{
    public const string ZhHans = "zh-Hans";
    public const string Ja = "ja";
    public const string En = "en";
    public const string Default = En;

    public static readonly IReadOnlyList<string> Supported = [ZhHans, Ja, En];

    public static bool IsSupported(string? culture) => culture is not null && Supported.Contains(culture);

    public static void AddEsimLocalization(this WebApplicationBuilder builder)
    {
        builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");
        builder.Services.AddSingleton<ResourceManagerStringLocalizerFactory>();
        builder.Services.AddSingleton<IStringLocalizerFactory, CachedStringLocalizerFactory>();
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Supported.Select(c => new CultureInfo(c)).ToList();
            options.DefaultRequestCulture = new RequestCulture(Default);
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.FallBackToParentCultures = true;
            options.FallBackToParentUICultures = true;
            options.RequestCultureProviders =
            [
                new CookieRequestCultureProvider { CookieName = CookieName },
                new ChineseAwareAcceptLanguageProvider(),
            ];
        });
    }

    public const string CookieName = "esim.culture";

    public static CookieOptions CookieOptions(HttpRequest request) => new()
    {
        Expires = DateTimeOffset.UtcNow.AddYears(1),
        IsEssential = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = request.IsHttps,
    };

    /// <summary>The name of a culture as shown in the language switch, in its own language.</summary>
    public static string NativeName(string culture) => culture switch
    {
        ZhHans => "简体中文",
        Ja => "日本語",
        _ => "English",
    };

    /// <summary>The Stripe Checkout locale for a UI culture.</summary>
    public static string StripeLocale(CultureInfo culture) => Normalize(culture.Name) switch
    {
        ZhHans => "zh",
        Ja => "ja",
        _ => "en",
    };

    /// <summary>Maps any culture name to one of the supported three.</summary>
    public static string Normalize(string? culture)
    {
        if (string.IsNullOrEmpty(culture))
        {
            return Default;
        }
        if (culture.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
        {
            return ZhHans;
        }
        if (culture.StartsWith("ja", StringComparison.OrdinalIgnoreCase))
        {
            return Ja;
        }
        return En;
    }
}

/// <summary>
/// Accept-Language with one addition: any Chinese (zh-TW, zh-HK, zh) reads Simplified Chinese better
/// than English, so it is served zh-Hans.
/// </summary>
internal sealed class ChineseAwareAcceptLanguageProvider : RequestCultureProvider
{
    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var languages = httpContext.Request.GetTypedHeaders().AcceptLanguage;
        foreach (var language in languages.OrderByDescending(l => l.Quality ?? 1))
        {
            var name = language.Value.Value;
            if (name is null || name == "*")
            {
                continue;
            }
            if (name.StartsWith("zh", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("ja", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("en", StringComparison.OrdinalIgnoreCase))
            {
                var culture = Cultures.Normalize(name);
                return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(culture, culture));
            }
        }
        return NullProviderCultureResult;
    }
}
