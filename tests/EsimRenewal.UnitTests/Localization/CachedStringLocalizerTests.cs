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

    private static IStringLocalizer<SharedResource> Localizer() => new StringLocalizer<SharedResource>(Factory());

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
    public void A_string_is_read_from_the_resources_once_per_language_and_a_missing_key_stays_missing()
    {
        var resources = new CountingLocalizer();
        var t = new CachedStringLocalizer(resources);

        In("en", () => t["Pager.Next"]);
        In("en", () => t["Pager.Page", 2]);
        In("en", () => t["Pager.Next"]);
        In("ja", () => t["Pager.Next"]);
        var missing = In("en", () => t["No.Such.Key {0}", "x"]);

        Assert.Equal(["en:Pager.Next", "en:Pager.Page", "ja:Pager.Next", "en:No.Such.Key {0}"], resources.Reads);
        Assert.True(missing.ResourceNotFound);
        Assert.Equal("No.Such.Key x", missing.Value);
    }

    [Fact]
    public void The_factory_gives_every_localizer_of_one_resource_the_same_cache()
    {
        var factory = Factory(); // one per portal

        Assert.Same(factory.Create(typeof(SharedResource)), factory.Create(typeof(SharedResource)));
    }

    /// <summary>Stands for the resource files: records each read, knows every key but the missing one.</summary>
    private sealed class CountingLocalizer : IStringLocalizer
    {
        public List<string> Reads { get; } = [];

        public LocalizedString this[string name]
        {
            get
            {
                Reads.Add(CultureInfo.CurrentUICulture.Name + ":" + name);
                return name.StartsWith("No.", StringComparison.Ordinal)
                    ? new LocalizedString(name, name, resourceNotFound: true)
                    : new LocalizedString(name, CultureInfo.CurrentUICulture.Name + " " + name + " {0}");
            }
        }

        public LocalizedString this[string name, params object[] arguments] => throw new InvalidOperationException("The cache formats kept strings itself.");

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => [];
    }
}
