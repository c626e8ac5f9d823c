using System.Globalization;
using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Plans;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Storefront;

/// <summary>A portal whose output cache of catalogue pages is on, as in production (Performance:OutputCache).</summary>
public sealed class CachingPortalFactory(TestDatabase database) : PortalFactory(database)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [.. base.Settings(), new("Performance:OutputCache", "true")];
}

public sealed class CachingPortalFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public CachingPortalFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Factory = new CachingPortalFactory(Database);
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// Anonymous catalogue pages come from the output cache, per language, and never stale: an admin's change,
/// a change written straight into the database and a scheduled price taking effect all evict them
/// (docs/decisions/0026). A cached answer carries an Age header; a rendered one does not.
/// </summary>
public sealed class OutputCacheTests(CachingPortalFixture portal) : IClassFixture<CachingPortalFixture>, IAsyncLifetime
{
    private Guid _planId;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using var db = portal.Database.NewContext();
        var plan = TestData.Plan("week", 7, 1980, SimKinds.Both, sortOrder: 1);
        db.Plans.AddRange(plan, TestData.Plan("month", 30, 3980, SimKinds.Physical, sortOrder: 2));
        await db.SaveChangesAsync();
        _planId = plan.Id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static bool FromCache(HttpResponseMessage response) => response.Headers.Age is not null;

    /// <summary>Asks until the answer comes from the cache (the reset's own change signal may still be on its way), then returns its price.</summary>
    private async Task<string> CachedPriceAsync(string url, string language = "en")
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var response = await portal.Factory.NewBrowser(language).GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            if (FromCache(response))
            {
                return PriceOf(await HtmlForms.ParseAsync(response), url);
            }
            Assert.True(DateTime.UtcNow < deadline, $"{url} never came from the cache");
            await Task.Delay(50);
        }
    }

    private static string PriceOf(AngleSharp.Html.Dom.IHtmlDocument page, string url) =>
        page.Text(url == "/" ? "[data-plan-code=week] [data-testid=price]" : "[data-testid=price]");

    private async Task<string> PriceNowAsync(string url)
    {
        var response = await portal.Factory.NewBrowser().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PriceOf(await HtmlForms.ParseAsync(response), url);
    }

    [Fact]
    public async Task A_second_anonymous_visit_is_served_from_the_cache()
    {
        Assert.Equal("¥1,980", await CachedPriceAsync("/"));

        var again = await portal.Factory.NewBrowser().GetAsync("/");

        Assert.True(FromCache(again));
        Assert.False(again.Headers.Contains("Set-Cookie"));
        Assert.True(again.Headers.CacheControl!.Public, again.Headers.CacheControl.ToString());
    }

    [Fact]
    public async Task Pages_in_chinese_and_english_are_cached_separately()
    {
        await CachedPriceAsync("/", "zh-CN");
        await CachedPriceAsync("/", "en");

        var chinese = await HtmlForms.ParseAsync(await portal.Factory.NewBrowser("zh-CN").GetAsync("/"));
        var english = await HtmlForms.ParseAsync(await portal.Factory.NewBrowser("en").GetAsync("/"));
        var chosen = portal.Factory.NewBrowser("en");
        chosen.DefaultRequestHeaders.Add("Cookie", "esim.culture=c%3Dja%7Cuic%3Dja");
        var japanese = await HtmlForms.ParseAsync(await chosen.GetAsync("/"));

        Assert.Equal(("zh-Hans", "日本 7天"), (chinese.DocumentElement.GetAttribute("lang"), chinese.Text("[data-plan-code=week] .plan-name")));
        Assert.Equal(("en", "Japan 7 days"), (english.DocumentElement.GetAttribute("lang"), english.Text("[data-plan-code=week] .plan-name")));
        Assert.Equal(("ja", "日本 7日間"), (japanese.DocumentElement.GetAttribute("lang"), japanese.Text("[data-plan-code=week] .plan-name")));
    }

    [Fact]
    public async Task Each_filter_is_cached_as_its_own_page()
    {
        await CachedPriceAsync("/");
        var esim = await HtmlForms.ParseAsync(await portal.Factory.NewBrowser().GetAsync("/?kind=esim"));
        var physical = await HtmlForms.ParseAsync(await portal.Factory.NewBrowser().GetAsync("/?kind=physical"));

        Assert.Equal(["week"], esim.QuerySelectorAll(".plan-card").Select(e => e.GetAttribute("data-plan-code")));
        Assert.Equal(["week", "month"], physical.QuerySelectorAll(".plan-card").Select(e => e.GetAttribute("data-plan-code")));
    }

    [Theory]
    [InlineData("/?kind=martian")]
    [InlineData("/?utm_source=mail")]
    [InlineData("/?kind=esim&kind=physical")]
    public async Task A_made_up_query_is_rendered_but_never_kept(string url)
    {
        await portal.Factory.NewBrowser().GetAsync(url);

        var again = await portal.Factory.NewBrowser().GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False(FromCache(again));
    }

    [Fact]
    public async Task Signed_in_visitors_are_never_served_from_the_cache()
    {
        await CachedPriceAsync("/");
        await CachedPriceAsync("/plans/week");
        var (traveller, _) = await portal.Factory.SignUpAsync("mei@example.com");

        foreach (var url in new[] { "/", "/plans/week" })
        {
            var response = await traveller.GetAsync(url);
            Assert.False(FromCache(response), url);
            Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
            Assert.NotNull((await HtmlForms.ParseAsync(response)).QuerySelector("[data-testid=sign-out]"));
        }
        // Nor is what they were shown kept for anyone else.
        var anonymous = await HtmlForms.ParseAsync(await portal.Factory.NewBrowser().GetAsync("/"));
        Assert.Null(anonymous.QuerySelector("[data-testid=sign-out]"));
    }

    [Fact]
    public async Task A_status_message_is_shown_to_its_visitor_only()
    {
        await CachedPriceAsync("/");
        var client = portal.Factory.CreateClient(); // follows redirects, keeps cookies

        var shown = await HtmlForms.ParseAsync(await client.GetAsync("/culture?lang=xx&returnUrl=%2F"));
        var others = await HtmlForms.ParseAsync(await portal.Factory.NewBrowser().GetAsync("/"));

        Assert.Equal("That language is not supported.", shown.Text(".status-message"));
        Assert.Null(others.QuerySelector(".status-message"));
    }

    [Fact]
    public async Task An_admin_price_change_shows_on_the_cached_storefront_at_once()
    {
        Assert.Equal(("¥1,980", "¥1,980"), (await CachedPriceAsync("/"), await CachedPriceAsync("/plans/week")));
        var admin = await portal.Factory.AdminAsync();

        var edited = await admin.EditAsync(_planId, new Dictionary<string, string> { ["Input.Price"] = "2180" });

        Assert.True(edited.IsRedirect(), $"{(int)edited.StatusCode}");
        Assert.Equal(("¥2,180", "¥2,180"), (await PriceNowAsync("/"), await PriceNowAsync("/plans/week")));
    }

    [Fact]
    public async Task A_change_written_straight_into_the_database_reaches_the_cache_through_postgresql()
    {
        Assert.Equal("¥1,980", await CachedPriceAsync("/"));

        await using (var db = portal.Database.NewContext())
        {
            await db.Plans.Where(p => p.Code == "week").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await HtmlForms.ParseAsync(await portal.Factory.NewBrowser().GetAsync("/"))).QuerySelector("[data-plan-code=week]") is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The storefront still lists the retired plan");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_scheduled_price_change_evicts_the_cached_pages_when_it_takes_effect()
    {
        var takesEffect = Jst.EndOfDay(portal.Factory.Clock.GetUtcNow().AddDays(2)).AddSeconds(1);
        var admin = await portal.Factory.AdminAsync();
        var scheduled = await admin.EditAsync(_planId, new Dictionary<string, string>
        {
            ["Input.Price"] = "2180",
            ["Input.EffectiveFrom"] = Jst.ToJst(takesEffect).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
        });
        Assert.True(scheduled.IsRedirect(), $"{(int)scheduled.StatusCode}");
        Assert.Equal(("¥1,980", "¥1,980"), (await CachedPriceAsync("/"), await CachedPriceAsync("/plans/week")));

        portal.Factory.Clock.Advance(takesEffect - portal.Factory.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        Assert.Equal(("¥1,980", "¥1,980"), (await PriceNowAsync("/"), await PriceNowAsync("/plans/week")));
        portal.Factory.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(("¥2,180", "¥2,180"), (await PriceNowAsync("/"), await PriceNowAsync("/plans/week")));
    }

    [Fact]
    public async Task A_database_change_signal_reaches_every_listener()
    {
        await using var listener = new Npgsql.NpgsqlConnection(portal.Database.ConnectionString);
        await listener.OpenAsync();
        await using (var listen = new Npgsql.NpgsqlCommand($"LISTEN {CatalogueChanges.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }
        var heard = new TaskCompletionSource<string>();
        listener.Notification += (_, e) => heard.TrySetResult(e.Payload);

        await using (var db = portal.Database.NewContext())
        {
            await db.PlanVersions.Where(v => v.Plan.Code == "month").ExecuteUpdateAsync(s => s.SetProperty(v => v.ValidityDays, 31));
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await listener.WaitAsync(timeout.Token);

        Assert.Equal("plan_versions", await heard.Task);
    }
}
