using System.Globalization;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.IntegrationTests.Plans;

public sealed class CatalogServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CultureInfo English = new("en");
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await using var db = _database.NewContext();
        db.Plans.AddRange(
            TestData.Plan("day-esim", 1, 800, SimKinds.Esim, sortOrder: 10),
            TestData.Plan("week-both", 7, 1980, SimKinds.Both, sortOrder: 20),
            TestData.Plan("month-physical", 30, 3980, SimKinds.Physical, sortOrder: 30),
            TestData.Plan("quarter-both", 90, 9800, SimKinds.Both, sortOrder: 40));
        var retired = TestData.Plan("retired", 7, 500, SimKinds.Both, sortOrder: 5);
        retired.Deactivate();
        db.Plans.Add(retired);
        var repriced = TestData.Plan("repriced", 15, 2000, SimKinds.Both, sortOrder: 25);
        var repricedAt = TestData.Epoch.AddDays(1);
        repriced.Revise(repriced.Versions.Single().Terms with { Price = new Yen(2500) }, repricedAt, repricedAt);
        db.Plans.Add(repriced);
        // A price rise scheduled (at Epoch) for ScheduledAt: the storefront sells the old price until then.
        var rising = TestData.Plan("rising", 60, 6000, SimKinds.Both, sortOrder: 50);
        rising.Revise(rising.Versions.Single().Terms with { Price = new Yen(6600) }, ScheduledAt, TestData.Epoch);
        db.Plans.Add(rising);
        await db.SaveChangesAsync();
    }

    private static readonly DateTimeOffset ScheduledAt = Now.AddDays(10);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<IReadOnlyList<PlanCard>> ListAsync(CatalogFilter filter, DateTimeOffset? at = null)
    {
        await using var db = _database.NewContext();
        return await new CatalogService(db, new FakeTimeProvider(at ?? Now)).ListActiveAsync(filter, English);
    }

    [Fact]
    public async Task The_storefront_lists_active_plans_in_their_order_with_current_prices()
    {
        var plans = await ListAsync(new CatalogFilter());

        Assert.Equal(["day-esim", "week-both", "repriced", "month-physical", "quarter-both", "rising"], plans.Select(p => p.Code));
        Assert.Equal(new Yen(2500), plans.Single(p => p.Code == "repriced").Price);
    }

    [Theory]
    [InlineData(DurationBand.Day, new[] { "day-esim" })]
    [InlineData(DurationBand.Week, new[] { "week-both" })]
    [InlineData(DurationBand.Month, new[] { "repriced", "month-physical" })]
    [InlineData(DurationBand.Longer, new[] { "quarter-both", "rising" })]
    public async Task Plans_filter_by_duration(DurationBand band, string[] expected)
    {
        var plans = await ListAsync(new CatalogFilter(Duration: band));

        Assert.Equal(expected, plans.Select(p => p.Code));
    }

    [Fact]
    public async Task Plans_filter_by_sim_kind_including_plans_for_both()
    {
        var esim = await ListAsync(new CatalogFilter(Kind: SimKind.Esim));
        var physical = await ListAsync(new CatalogFilter(Kind: SimKind.Physical));

        Assert.Equal(["day-esim", "week-both", "repriced", "quarter-both", "rising"], esim.Select(p => p.Code));
        Assert.Equal(["week-both", "repriced", "month-physical", "quarter-both", "rising"], physical.Select(p => p.Code));
    }

    [Theory]
    [InlineData("week-both", true)]
    [InlineData("retired", false)]
    [InlineData("no-such-plan", false)]
    [InlineData("../etc", false)]
    [InlineData("WEEK-BOTH", false)]
    [InlineData("", false)]
    public async Task Finding_a_plan_by_code_returns_only_active_plans(string code, bool found)
    {
        await using var db = _database.NewContext();

        var plan = await new CatalogService(db, new FakeTimeProvider(Now)).FindActiveAsync(code, English);

        Assert.Equal(found, plan is not null);
    }

    [Fact]
    public async Task A_revised_plan_keeps_its_old_version_for_past_orders()
    {
        await using var db = _database.NewContext();
        var versions = db.PlanVersions.Where(v => v.Plan.Code == "repriced").OrderBy(v => v.Number).ToList();

        Assert.Equal([2000L, 2500L], versions.Select(v => v.Price.Amount));
        Assert.Equal([TestData.Epoch, TestData.Epoch.AddDays(1)], versions.Select(v => v.EffectiveFrom));
    }

    [Fact]
    public async Task A_scheduled_price_is_on_sale_from_its_time_and_not_a_moment_before()
    {
        await using var db = _database.NewContext();
        Yen PriceAt(IReadOnlyList<PlanCard> plans) => plans.Single(p => p.Code == "rising").Price;

        Assert.Equal(new Yen(6000), PriceAt(await ListAsync(new CatalogFilter(), ScheduledAt.AddTicks(-10))));
        Assert.Equal(new Yen(6600), PriceAt(await ListAsync(new CatalogFilter(), ScheduledAt)));
        Assert.Equal(new Yen(6600), (await new CatalogService(db, new FakeTimeProvider(ScheduledAt.AddDays(1))).FindActiveAsync("rising", English))!.Price);
        Assert.Equal(new Yen(6000), (await new CatalogService(db, new FakeTimeProvider(Now)).FindActiveAsync("rising", English))!.Price);
    }

    [Theory]
    [InlineData("zh-CN", "日本 7天", "说明")]
    [InlineData("zh-Hans", "日本 7天", "说明")]
    [InlineData("ja-JP", "日本 7日間", "説明")]
    [InlineData("en-GB", "Japan 7 days", "Description")]
    [InlineData("fr", "Japan 7 days", "Description")]
    public async Task The_catalogue_reads_names_and_descriptions_in_the_readers_language(string culture, string name, string description)
    {
        await using var db = _database.NewContext();
        var catalog = new CatalogService(db, new FakeTimeProvider(Now));

        var card = (await catalog.ListActiveAsync(new CatalogFilter(), new CultureInfo(culture))).Single(p => p.Code == "week-both");
        var details = await catalog.FindActiveAsync("week-both", new CultureInfo(culture));

        Assert.Equal(name, card.Name);
        Assert.Equal((name, description), (details!.Name, details.Description));
    }

    [Fact]
    public async Task The_next_scheduled_change_is_the_earliest_version_still_to_come()
    {
        await using var db = _database.NewContext();
        var catalog = new CatalogService(db, new FakeTimeProvider(Now));

        Assert.Equal(ScheduledAt, await catalog.NextScheduledChangeAsync(Now));
        Assert.Null(await catalog.NextScheduledChangeAsync(ScheduledAt));
    }
}
