using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>Builders for rows the tests insert.</summary>
public static class TestData
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static Plan Plan(string code, int days, long price, SimKinds kinds, long? dataMb = 10_240, int sortOrder = 0) =>
        Core.Plans.Plan.Create(
            code,
            new LocalizedText($"日本 {days}天", $"日本 {days}日間", $"Japan {days} days"),
            new LocalizedText("说明", "説明", "Description"),
            new PlanTerms(new Yen(price), dataMb, null, days, kinds),
            sortOrder,
            Epoch);
}
