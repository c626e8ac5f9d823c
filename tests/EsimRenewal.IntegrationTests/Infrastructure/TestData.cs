using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// A physical SIM (PIN 1234) owned by <paramref name="userId"/>, renewed at <paramref name="renewedAt"/> with the
    /// database's only "month" plan version (valid 30 days from then, to the end of that day in JST).
    /// </summary>
    public static async Task<Sim> MonthSimAsync(TestDatabase database, string userId, string iccidBody, DateTimeOffset renewedAt)
    {
        await using var db = database.NewContext();
        var sim = Sim.RegisterPhysical(Iccid.FromBody(iccidBody), SimPin.Hash("1234"), Epoch);
        sim.AssignTo(userId, Epoch);
        sim.ApplyRenewal(await db.PlanVersions.SingleAsync(v => v.Plan.Code == "month"), renewedAt);
        db.Sims.Add(sim);
        await db.SaveChangesAsync();
        return sim;
    }
}
