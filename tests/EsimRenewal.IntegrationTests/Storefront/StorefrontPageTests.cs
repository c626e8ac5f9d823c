using System.Net;
using System.Text.RegularExpressions;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EsimRenewal.IntegrationTests.Storefront;

public sealed partial class StorefrontPageTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using var db = portal.Database.NewContext();
        db.Plans.AddRange(
            TestData.Plan("jp-1d", 1, 800, SimKinds.Esim, sortOrder: 1),
            TestData.Plan("jp-7d", 7, 1980, SimKinds.Both, sortOrder: 2),
            TestData.Plan("jp-30d", 30, 3980, SimKinds.Physical, sortOrder: 3));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient NewClient(string? language)
    {
        var client = portal.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (language is not null)
        {
            client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        }
        return client;
    }

    [Theory]
    [InlineData("zh-CN,zh;q=0.9", "zh-Hans", "在日本畅享上网", "日本 7天")]
    [InlineData("zh-TW", "zh-Hans", "在日本畅享上网", "日本 7天")]
    [InlineData("ja-JP,ja;q=0.9", "ja", "日本でつながる、すぐに使える", "日本 7日間")]
    [InlineData("en-GB", "en", "Stay online across Japan", "Japan 7 days")]
    [InlineData("ko-KR", "en", "Stay online across Japan", "Japan 7 days")]
    [InlineData(null, "en", "Stay online across Japan", "Japan 7 days")]
    public async Task The_storefront_speaks_the_language_the_browser_asks_for(string? acceptLanguage, string lang, string heading, string planName)
    {
        var page = await NewClient(acceptLanguage).GetDocumentAsync("/");

        Assert.Equal(lang, page.DocumentElement.GetAttribute("lang"));
        Assert.Equal(heading, page.Text("h1"));
        Assert.Contains(planName, page.QuerySelectorAll(".plan-name").Select(e => e.TextContent));
        Assert.Equal(["¥800", "¥1,980", "¥3,980"], page.QuerySelectorAll("[data-testid=price]").Select(e => e.TextContent));
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("ja")]
    public async Task No_english_or_untranslated_key_is_left_on_the_chinese_and_japanese_pages(string language)
    {
        var client = NewClient(language);
        foreach (var url in new[] { "/", "/plans/jp-7d", "/account/register", "/account/login" })
        {
            var page = await client.GetDocumentAsync(url);
            var text = page.Body!.TextContent;

            Assert.DoesNotMatch(ResourceKey(), text);
            foreach (var english in new[] { "Plans", "Sign in", "Register", "Data", "Validity", "days", "Password", "Filter", "Any" })
            {
                Assert.False(Regex.IsMatch(text, $@"\b{english}\b"), $"'{english}' is left in English on {url} ({language})");
            }
        }
    }

    [Fact]
    public async Task The_language_switch_is_remembered_in_a_cookie()
    {
        var client = NewClient("zh-CN");
        var home = await client.GetDocumentAsync("/?duration=week");
        var link = home.QuerySelector("[data-testid=lang-ja]")!.GetAttribute("href")!;

        var switched = await client.GetAsync(link);
        Assert.True(switched.IsRedirect());
        Assert.Equal("/?duration=week", switched.Headers.Location!.OriginalString);
        Assert.Equal("no-store", switched.Headers.CacheControl!.ToString());
        var cookie = switched.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("esim.culture=", StringComparison.Ordinal));

        var again = NewClient("zh-CN");
        again.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        var page = await again.GetDocumentAsync("/");
        Assert.Equal("ja", page.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task The_language_links_name_each_language_in_its_own_script_and_mark_the_current_one()
    {
        var page = await NewClient("zh-CN").GetDocumentAsync("/plans/jp-7d");

        var links = page.QuerySelectorAll("[data-testid=language-switch] a").ToList();
        Assert.Equal(["简体中文", "日本語", "English"], links.Select(a => a.TextContent));
        Assert.Equal(["zh-Hans", "ja", "en"], links.Select(a => a.GetAttribute("lang")));
        Assert.Equal(["true", null, null], links.Select(a => a.GetAttribute("aria-current")));
        Assert.Equal("/culture?lang=en&returnUrl=%2Fplans%2Fjp-7d", links[2].GetAttribute("href"));
        Assert.Empty(page.QuerySelectorAll("form[method=post]"));
    }

    [Fact]
    public async Task An_unsupported_culture_changes_nothing_and_says_so()
    {
        var client = portal.Factory.CreateClient(); // follows redirects, keeps cookies
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");

        var response = await client.GetAsync("/culture?lang=xx-YY&returnUrl=%2F");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal("That language is not supported.", page.Text(".status-message"));
        Assert.Contains("notice", page.QuerySelector(".status-message")!.ClassList); // nothing was done: not drawn as a success
        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("%2F%0D%0ASet-Cookie:%20x=1")]
    [InlineData("/%E6%97%A5%E6%9C%AC")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public async Task The_language_switch_goes_back_only_to_an_address_of_the_portal(string returnUrl)
    {
        var response = await NewClient("en").GetAsync("/culture?lang=ja&returnUrl=" + returnUrl);

        Assert.True(response.IsRedirect(), $"{(int)response.StatusCode}");
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/culture")]
    [InlineData("/culture?lang=%00%FF&returnUrl=%00")]
    [InlineData("/culture?lang=ja&lang=en&returnUrl=/&returnUrl=//x")]
    public async Task Garbage_language_links_redirect_home_without_an_error(string url)
    {
        var response = await NewClient("en").GetAsync(url);

        Assert.True(response.IsRedirect(), $"{(int)response.StatusCode}");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/?duration=week&kind=esim")]
    [InlineData("/plans/jp-7d")]
    public async Task Anonymous_catalogue_pages_set_no_cookie_and_may_be_cached(string url)
    {
        var response = await NewClient("zh-CN").GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"), string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var c) ? c : []));
        var cacheControl = response.Headers.CacheControl;
        Assert.NotNull(cacheControl);
        Assert.True(cacheControl.Public && !cacheControl.NoStore && !cacheControl.NoCache, cacheControl.ToString());
        Assert.Contains("Accept-Language", response.Headers.Vary);
        Assert.Contains("Cookie", response.Headers.Vary);
    }

    [Fact]
    public async Task A_garbage_culture_cookie_falls_back_to_the_browser_language()
    {
        var client = NewClient("ja");
        client.DefaultRequestHeaders.Add("Cookie", "esim.culture=c%3Dxx%7Cuic%3D%3Cscript%3E");

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ja", (await HtmlForms.ParseAsync(response)).DocumentElement.GetAttribute("lang"));
    }

    [Theory]
    [InlineData("/?duration=week", new[] { "jp-7d" })]
    [InlineData("/?kind=physical", new[] { "jp-7d", "jp-30d" })]
    [InlineData("/?duration=day&kind=physical", new string[0])]
    [InlineData("/?duration=fortnight&kind=martian", new[] { "jp-1d", "jp-7d", "jp-30d" })]
    public async Task The_storefront_filters_by_duration_and_sim_kind(string url, string[] codes)
    {
        var page = await NewClient("en").GetDocumentAsync(url);

        Assert.Equal(codes, page.QuerySelectorAll(".plan-card").Select(e => e.GetAttribute("data-plan-code")!));
    }

    [Fact]
    public async Task A_plan_page_shows_the_plan_terms()
    {
        var page = await NewClient("en").GetDocumentAsync("/plans/jp-7d");

        Assert.Equal("¥1,980", page.Text("[data-testid=price]"));
        Assert.Contains("7 days", page.Text(".plan-terms"));
        Assert.Contains("Physical SIM and eSIM", page.Text(".plan-terms"));
    }

    [Theory]
    [InlineData("/plans/no-such-plan")]
    [InlineData("/plans/JP-7D")]
    [InlineData("/plans/%E2%80%AE")]
    [InlineData("/no/such/page")]
    public async Task Unknown_plans_and_pages_get_a_localised_404(string url)
    {
        var response = await NewClient("zh-CN").GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("找不到此页面", (await HtmlForms.ParseAsync(response)).Text("[data-testid=status-title]"));
    }

    [GeneratedRegex(@"\b[A-Z][a-zA-Z]+\.[A-Z][a-zA-Z]+(\.[A-Za-z]+)*\b")]
    private static partial Regex ResourceKey();
}
