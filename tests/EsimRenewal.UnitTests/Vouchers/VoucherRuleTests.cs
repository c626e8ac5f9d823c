using EsimRenewal.Core.Vouchers;
using static EsimRenewal.UnitTests.Vouchers.VoucherTestEntities;

namespace EsimRenewal.UnitTests.Vouchers;

public class VoucherRuleTests
{
    [Fact]
    public void An_active_voucher_of_an_active_batch_before_its_expiry_is_redeemable()
    {
        var voucher = NewVoucher(ActiveBatch(), VoucherState.Active);

        Assert.Null(voucher.RefusalAt(Now));
        Assert.True(Voucher.RedeemableAt(Now).Compile()(voucher));
    }

    [Theory]
    [InlineData(VoucherState.Redeemed, VoucherRefusal.AlreadyRedeemed)]
    [InlineData(VoucherState.Void, VoucherRefusal.Void)]
    [InlineData(VoucherState.Expired, VoucherRefusal.Expired)]
    [InlineData(VoucherState.Issued, VoucherRefusal.NotYetActive)]
    public void Each_state_but_active_has_its_own_refusal(VoucherState state, VoucherRefusal refusal)
    {
        var voucher = NewVoucher(ActiveBatch(), state);

        Assert.Equal(refusal, voucher.RefusalAt(Now));
        Assert.False(Voucher.RedeemableAt(Now).Compile()(voucher));
    }

    [Fact]
    public void A_voucher_is_expired_just_after_its_batch_expiry_and_not_at_it()
    {
        var expiry = Now.AddDays(1);
        var voucher = NewVoucher(ActiveBatch(expiry), VoucherState.Active);

        Assert.Null(voucher.RefusalAt(expiry));
        Assert.Equal(VoucherRefusal.Expired, voucher.RefusalAt(expiry.AddSeconds(1)));
        Assert.False(Voucher.RedeemableAt(expiry.AddSeconds(1)).Compile()(voucher));
    }

    [Fact]
    public void A_voided_batch_refuses_its_vouchers_as_void_even_before_they_are_updated()
    {
        var batch = ActiveBatch();
        batch.Void(Now);
        var voucher = NewVoucher(batch, VoucherState.Active);

        Assert.Equal(VoucherRefusal.Void, voucher.RefusalAt(Now));
        Assert.False(Voucher.RedeemableAt(Now).Compile()(voucher));
    }

    [Fact]
    public void Already_redeemed_is_reported_before_void_or_expired()
    {
        var batch = ActiveBatch(Now.AddDays(1));
        batch.Void(Now);
        var voucher = NewVoucher(batch, VoucherState.Redeemed);

        Assert.Equal(VoucherRefusal.AlreadyRedeemed, voucher.RefusalAt(Now.AddDays(5)));
    }

    [Fact]
    public void The_refusal_rule_and_the_update_condition_agree_in_every_combination()
    {
        foreach (var state in Enum.GetValues<VoucherState>())
        {
            foreach (var batchVoid in new[] { false, true })
            {
                foreach (var at in new[] { Now, Now.AddDays(60) })
                {
                    var batch = ActiveBatch(Now.AddDays(30));
                    if (batchVoid)
                    {
                        batch.Void(Now);
                    }
                    var voucher = NewVoucher(batch, state);
                    Assert.Equal(voucher.RefusalAt(at) is null, Voucher.RedeemableAt(at).Compile()(voucher));
                }
            }
        }
    }

    [Theory]
    [InlineData(VoucherState.Issued, true)]
    [InlineData(VoucherState.Active, true)]
    [InlineData(VoucherState.Expired, true)]
    [InlineData(VoucherState.Redeemed, false)]
    [InlineData(VoucherState.Void, false)]
    public void Only_an_unused_voucher_can_be_voided(VoucherState state, bool voided)
    {
        var voucher = NewVoucher(ActiveBatch(), state);

        Assert.Equal(voided, voucher.Void(Now));
        Assert.Equal(voided ? VoucherState.Void : state, voucher.State);
        Assert.Equal(voided ? Now : null, voucher.VoidedAt);
    }

    [Theory]
    [InlineData(VoucherState.Active, false, VoucherState.Active)]
    [InlineData(VoucherState.Active, true, VoucherState.Expired)]
    [InlineData(VoucherState.Issued, true, VoucherState.Expired)]
    [InlineData(VoucherState.Redeemed, true, VoucherState.Redeemed)]
    [InlineData(VoucherState.Void, true, VoucherState.Void)]
    public void An_unused_voucher_past_expiry_reads_as_expired(VoucherState state, bool pastExpiry, VoucherState shown)
    {
        Assert.Equal(shown, Voucher.EffectiveState(state, Now, pastExpiry ? Now.AddSeconds(1) : Now));
    }

    [Theory]
    [InlineData("000700012", 700_012L)]
    [InlineData(" 0007-00012 ", 700_012L)]
    [InlineData("０００７０００１２", 700_012L)]
    public void Serials_are_read_forgivingly(string input, long serial)
    {
        Assert.True(Voucher.TryParseSerial(input, out var parsed));
        Assert.Equal(serial, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ABC")]
    [InlineData("12a4")]
    [InlineData("1234567890123456")]
    public void Other_input_is_not_a_serial(string? input)
    {
        Assert.False(Voucher.TryParseSerial(input, out _));
    }

    [Fact]
    public void Serials_print_as_nine_digits()
    {
        Assert.Equal("000700012", Voucher.FormatSerial(700_012));
    }
}
