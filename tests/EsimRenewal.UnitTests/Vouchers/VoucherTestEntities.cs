using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Vouchers;

namespace EsimRenewal.UnitTests.Vouchers;

/// <summary>Vouchers and batches in memory, in any state a test needs.</summary>
internal static class VoucherTestEntities
{
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    public static PlanVersion Plan(SimKinds kinds = SimKinds.Both) =>
        Core.Plans.Plan.Create("jp-7d", new LocalizedText("七天", "7日間", "7 days"), new LocalizedText("说明", "説明", "Text"),
            new PlanTerms(new Yen(1980), 10_240, null, 7, kinds), 1, Now.AddDays(-30)).Versions.Single();

    public static VoucherBatch Batch(int quantity = 10, DateTimeOffset? expiresAt = null, long number = 7)
    {
        var batch = VoucherBatch.Create(Plan(), SalesChannels.Lawson, quantity, expiresAt ?? Now.AddDays(30), "admin", Now.AddDays(-1));
        typeof(VoucherBatch).GetProperty(nameof(VoucherBatch.Number))!.SetValue(batch, number); // the database assigns it
        return batch;
    }

    public static VoucherBatch ActiveBatch(DateTimeOffset? expiresAt = null)
    {
        var batch = Batch(1, expiresAt);
        batch.RecordGenerated(1, Now.AddDays(-1));
        Assert.True(batch.Activate(Now.AddDays(-1)));
        return batch;
    }

    public static Voucher NewVoucher(VoucherBatch batch, VoucherState state)
    {
        var voucher = new Voucher(Guid.NewGuid(), batch, batch.SerialFor(0), new byte[32], "ABCD");
        typeof(Voucher).GetProperty(nameof(Core.Vouchers.Voucher.Batch))!.SetValue(voucher, batch);
        // The database moves vouchers between states (bulk activation, the conditional redemption update).
        typeof(Voucher).GetProperty(nameof(Core.Vouchers.Voucher.State))!.SetValue(voucher, state);
        return voucher;
    }
}
