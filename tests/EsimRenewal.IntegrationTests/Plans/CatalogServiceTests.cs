using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;

namespace EsimRenewal.IntegrationTests.Plans;

public sealed class CatalogServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
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
        repriced.Revise(repriced.CurrentVersion.Terms with { Price = new Yen(2500) }, Now.AddDays(1));
        db.Plans.Add(repriced);
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<IReadOnlyList<PlanCard>> ListAsync(CatalogFilter filter)
    {
        await using var db = _database.NewContext();
        return await new CatalogService(db).ListActiveAsync(filter);
    }

    [Fact]
    public async Task The_storefront_lists_active_plans_in_their_order_with_current_prices()
    {
        var plans = await ListAsync(new CatalogFilter());

        Assert.Equal(["day-esim", "week-both", "repriced", "month-physical", "quarter-both"], plans.Select(p => p.Code));
        Assert.Equal(new Yen(2500), plans.Single(p => p.Code == "repriced").Price);
    }

    [Theory]
    [InlineData(DurationBand.Day, new[] { "day-esim" })]
    [InlineData(DurationBand.Week, new[] { "week-both" })]
    [InlineData(DurationBand.Month, new[] { "repriced", "month-physical" })]
    [InlineData(DurationBand.Longer, new[] { "quarter-both" })]
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

        Assert.Equal(["day-esim", "week-both", "repriced", "quarter-both"], esim.Select(p => p.Code));
        Assert.Equal(["week-both", "repriced", "month-physical", "quarter-both"], physical.Select(p => p.Code));
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

        var plan = await new CatalogService(db).FindActiveAsync(code);

        Assert.Equal(found, plan is not null);
    }

    [Fact]
    public async Task A_revised_plan_keeps_its_old_version_for_past_orders()
    {
        await using var db = _database.NewContext();
        var versions = db.PlanVersions.Where(v => v.Plan.Code == "repriced").OrderBy(v => v.Number).ToList();

        Assert.Equal([2000L, 2500L], versions.Select(v => v.Price.Amount));
        Assert.Equal([false, true], versions.Select(v => v.IsCurrent));
    }
}
