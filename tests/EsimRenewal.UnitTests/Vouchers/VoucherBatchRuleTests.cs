using EsimRenewal.Core.Vouchers;
using static EsimRenewal.UnitTests.Vouchers.VoucherTestEntities;

namespace EsimRenewal.UnitTests.Vouchers;

public class VoucherBatchRuleTests
{
    [Fact]
    public void Serials_are_the_batch_number_times_a_hundred_thousand_plus_the_index()
    {
        var batch = Batch(quantity: VoucherBatch.MaxQuantity, number: 42);

        Assert.Equal(4_200_000, batch.SerialFor(0));
        Assert.Equal(4_299_999, batch.SerialFor(VoucherBatch.MaxQuantity - 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.SerialFor(VoucherBatch.MaxQuantity));
        // The next batch's serials start where these end: no two batches share one.
        Assert.Equal(batch.SerialFor(VoucherBatch.MaxQuantity - 1) + 1, Batch(number: 43).SerialFor(0));
    }

    [Fact]
    public void An_unsaved_batch_has_no_serials_yet()
    {
        var batch = Batch(number: 0);

        Assert.Throws<InvalidOperationException>(() => batch.SerialFor(0));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(VoucherBatch.MaxQuantity + 1)]
    public void A_batch_holds_one_to_a_hundred_thousand_vouchers(int quantity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Batch(quantity));
    }

    [Fact]
    public void A_batch_is_complete_when_every_chunk_is_recorded_and_not_before()
    {
        var batch = Batch(quantity: 12_000);

        batch.RecordGenerated(5_000, Now);
        batch.RecordGenerated(5_000, Now);
        Assert.False(batch.IsGenerated);
        Assert.Null(batch.GeneratedAt);
        batch.RecordGenerated(2_000, Now);

        Assert.True(batch.IsGenerated);
        Assert.Equal(Now, batch.GeneratedAt);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.RecordGenerated(1, Now));
    }

    [Fact]
    public void A_batch_can_be_activated_once_and_only_when_complete()
    {
        var batch = Batch(quantity: 2);

        Assert.False(batch.Activate(Now));
        batch.RecordGenerated(2, Now);
        Assert.True(batch.Activate(Now));
        Assert.False(batch.Activate(Now));
        Assert.Equal((VoucherBatchState.Active, Now), (batch.State, batch.ActivatedAt));
    }

    [Fact]
    public void The_codes_are_released_once_only_after_generation_and_never_for_a_void_batch()
    {
        var batch = Batch(quantity: 2);
        Assert.False(batch.ReleaseCodes(Now));
        batch.RecordGenerated(2, Now);

        Assert.True(batch.ReleaseCodes(Now));
        Assert.False(batch.ReleaseCodes(Now.AddMinutes(1)));
        Assert.Equal(Now, batch.CodesReleasedAt);

        var voided = Batch(quantity: 1);
        voided.RecordGenerated(1, Now);
        voided.Void(Now);
        Assert.False(voided.ReleaseCodes(Now));
    }

    [Fact]
    public void A_void_batch_cannot_be_voided_again_or_activated()
    {
        var batch = Batch(quantity: 1);
        batch.RecordGenerated(1, Now);

        Assert.True(batch.Void(Now));
        Assert.False(batch.Void(Now));
        Assert.False(batch.Activate(Now));
    }

    [Fact]
    public void A_batch_must_expire_in_the_future()
    {
        Assert.Throws<ArgumentException>(() => Batch(expiresAt: Now.AddDays(-2)));
    }
}
