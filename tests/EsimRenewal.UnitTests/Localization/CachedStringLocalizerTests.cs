using System.Globalization;
using EsimRenewal.Web;
using EsimRenewal.Web.Infrastructure.Localization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EsimRenewal.UnitTests.Localization;

public sealed class CachedStringLocalizerTests
{
    private static CachedStringLocalizerFactory Factory() =>
        new(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance));

    private static IStringLocalizer<SharedResource> Localizer(CachedStringLocalizerFactory? factory = null) => new StringLocalizer<SharedResource>(factory ?? Factory());

    private static T In<T>(string culture, Func<T> read)
    {
        var (ui, format) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo(culture);
        try
        {
            return read();
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, format);
        }
    }

    [Fact]
    public void A_kept_string_is_given_in_the_language_of_each_request_not_the_first_one_read()
    {
        var t = Localizer();

        var first = In("zh-Hans", () => t["Pager.Page", 3].Value);
        var english = In("en", () => t["Pager.Page", 12].Value);
        var again = In("zh-Hans", () => t["Pager.Page", 4].Value);
        var japanese = In("ja", () => t["Pager.Page", 5].Value);

        Assert.Equal("第 3 页", first);
        Assert.Equal("Page 12", english);
        Assert.Equal("第 4 页", again);
        Assert.Equal("5 ページ目", japanese);
    }

    [Fact]
    public void Localizers_of_one_resource_share_what_they_read_and_a_missing_key_stays_missing()
    {
        var factory = Factory(); // one per portal
        var (one, other) = (Localizer(factory), Localizer(factory));

        var missing = In("en", () => one["No.Such.Key {0}", "x"]);
        var text = In("en", () => one["Pager.Next"].Value);

        Assert.True(missing.ResourceNotFound);
        Assert.Equal("No.Such.Key x", missing.Value);
        Assert.Same(In("en", () => one["Pager.Next"]).Value, In("en", () => other["Pager.Next"]).Value);
        Assert.Equal("Next →", text);
    }
}
