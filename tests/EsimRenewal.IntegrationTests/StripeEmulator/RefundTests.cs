using System.Net;
using Stripe;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

public sealed class RefundTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private async Task<string> PaidPaymentIntentAsync(string method = "card")
    {
        var session = await emulator.CreateSessionAsync(1500, "card", "konbini");
        await emulator.PaySuccessfullyAsync(session.Id, method);
        return (await emulator.Sessions.GetAsync(session.Id)).PaymentIntentId;
    }

    private async Task<List<Charge>> RefundedChargesAsync(string paymentIntentId) =>
        (await emulator.Events.ListAsync(new EventListOptions { Type = "charge.refunded", Limit = 100 })).Data
            .Select(e => (Charge)e.Data.Object)
            .Where(c => c.PaymentIntentId == paymentIntentId)
            .Reverse()
            .ToList();

    [Fact]
    public async Task A_full_refund_by_default_succeeds_and_emits_charge_refunded()
    {
        var paymentIntent = await PaidPaymentIntentAsync();

        var refund = await emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent, Reason = "requested_by_customer" });

        Assert.StartsWith("re_", refund.Id);
        Assert.Equal("succeeded", refund.Status);
        Assert.Equal(1500, refund.Amount);
        Assert.Equal("jpy", refund.Currency);
        Assert.Equal(paymentIntent, refund.PaymentIntentId);
        Assert.Equal("requested_by_customer", refund.Reason);
        var charge = Assert.Single(await RefundedChargesAsync(paymentIntent));
        Assert.Equal(1500, charge.Amount);
        Assert.Equal(1500, charge.AmountRefunded);
        Assert.True(charge.Refunded);
        Assert.Equal(refund.ChargeId, charge.Id);
    }

    [Fact]
    public async Task Partial_refunds_add_up_and_a_fully_refunded_charge_cannot_be_refunded_again()
    {
        var paymentIntent = await PaidPaymentIntentAsync();

        await emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent, Amount = 500 });
        var rest = await emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent });
        var error = await Assert.ThrowsAsync<StripeException>(() =>
            emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent }));

        Assert.Equal(1000, rest.Amount);
        var charges = await RefundedChargesAsync(paymentIntent);
        Assert.Equal([500L, 1500L], charges.Select(c => c.AmountRefunded));
        Assert.Equal([false, true], charges.Select(c => c.Refunded));
        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("charge_already_refunded", error.StripeError.Code);
    }

    [Fact]
    public async Task Refunding_more_than_was_paid_is_refused()
    {
        var paymentIntent = await PaidPaymentIntentAsync();

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent, Amount = 1501 }));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("amount", error.StripeError.Param);
        Assert.Empty(await RefundedChargesAsync(paymentIntent));
    }

    [Fact]
    public async Task A_konbini_payment_not_yet_paid_at_the_store_cannot_be_refunded()
    {
        var paymentIntent = await PaidPaymentIntentAsync("konbini");

        var error = await Assert.ThrowsAsync<StripeException>(() =>
            emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = paymentIntent }));

        Assert.Equal(HttpStatusCode.BadRequest, error.HttpStatusCode);
        Assert.Equal("charge_not_refundable", error.StripeError.Code);
        Assert.Equal("payment_intent", error.StripeError.Param);
    }

    [Fact]
    public async Task Refunding_an_unknown_payment_intent_is_resource_missing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() =>
            emulator.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = "pi_doesnotexist" }));

        Assert.Equal("resource_missing", error.StripeError.Code);
        Assert.Equal("payment_intent", error.StripeError.Param);
    }
}
