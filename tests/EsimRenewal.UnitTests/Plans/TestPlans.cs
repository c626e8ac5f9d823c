using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;

namespace EsimRenewal.UnitTests.Plans;

/// <summary>Plans and plan versions for tests, built through <see cref="Plan.Create"/> like the catalogue does.</summary>
internal static class TestPlans
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly LocalizedText Name = new("日本 7 天 10GB", "日本 7日間 10GB", "Japan 7 days 10 GB");

    public static readonly LocalizedText Description = new("描述", "説明", "Description");

    public static PlanTerms Terms(long price = 1500, long? dataMb = 10_240, int? dailyFairUseMb = null, int days = 7, SimKinds kinds = SimKinds.Both) =>
        new(new Yen(price), dataMb, dailyFairUseMb, days, kinds);

    public static Plan Plan(PlanTerms? terms = null, string code = "jp-7d-10gb") =>
        Core.Plans.Plan.Create(code, Name, Description, terms ?? Terms(), sortOrder: 1, CreatedAt);

    public static PlanVersion Limited(int days, long dataMb, SimKinds kinds = SimKinds.Both, long price = 1500) =>
        Plan(Terms(price, dataMb, null, days, kinds)).Versions.Single();

    public static PlanVersion Unlimited(int days, int? dailyFairUseMb = 3072, SimKinds kinds = SimKinds.Both, long price = 3000) =>
        Plan(Terms(price, null, dailyFairUseMb, days, kinds)).Versions.Single();
}
