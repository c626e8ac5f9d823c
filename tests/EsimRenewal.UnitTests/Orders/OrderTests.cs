using EsimRenewal.Core.Common;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.UnitTests.Plans;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.UnitTests.Orders;

public class OrderTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));
    private readonly Sim _sim;
    private readonly PlanVersion _plan = TestPlans.Limited(days: 30, dataMb: 10_240, price: 2_980);

    public OrderTests() =>
        _sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000001"), "stored-pin-hash", _clock.GetUtcNow());

    private Order NewRenewalOrder(PlanVersion? plan = null) =>
        Order.ForRenewal(_sim, plan ?? _plan, "user-1", "traveller@example.com", "zh-Hans", "renew-1", _clock.GetUtcNow());

    private Order PaidOrder()
    {
        var order = NewRenewalOrder();
        Assert.True(order.MarkPaid("pi_1", _clock.GetUtcNow()));
        return order;
    }

    private Order FulfilledOrder()
    {
        var order = PaidOrder();
        order.MarkFulfilled(_sim.ApplyRenewal(order.PlanVersion, _clock.GetUtcNow()), _clock.GetUtcNow());
        return order;
    }

    [Fact]
    public void A_renewal_order_starts_awaiting_payment_at_the_plan_version_price()
    {
        var order = NewRenewalOrder();

        Assert.Equal(OrderState.PendingPayment, order.State);
        Assert.Equal(OrderKind.Renewal, order.Kind);
        Assert.True(order.IsAwaitingPayment);
        Assert.Equal(new Yen(2_980), order.Amount);
        Assert.Equal(_plan.Id, order.PlanVersionId);
        Assert.Equal(_sim.Id, order.SimId);
        Assert.Null(order.PaidAt);
    }

    [Fact]
    public void An_order_keeps_the_price_it_was_sold_at_when_the_plan_price_changes()
    {
        var plan = TestPlans.Plan(TestPlans.Terms(price: 1_500));
        var order = NewRenewalOrder(plan.Versions.Single());

        plan.Revise(TestPlans.Terms(price: 1_800), _clock.GetUtcNow(), _clock.GetUtcNow());

        Assert.Equal(new Yen(1_500), order.Amount);
        Assert.Equal(new Yen(1_500), order.PlanVersion.Price);
        Assert.Equal(1, order.PlanVersion.Number);
    }

    [Fact]
    public void A_card_payment_goes_from_pending_to_paid_to_fulfilled()
    {
        var order = NewRenewalOrder();
        var paidAt = _clock.GetUtcNow();

        Assert.True(order.MarkPaid("pi_123", paidAt));
        Assert.Equal(OrderState.Paid, order.State);
        Assert.Equal(paidAt, order.PaidAt);
        Assert.Equal("pi_123", order.PaymentIntentId);
        Assert.False(order.IsAwaitingPayment);

        _clock.Advance(TimeSpan.FromSeconds(5));
        var outcome = _sim.ApplyRenewal(order.PlanVersion, _clock.GetUtcNow());
        order.MarkFulfilled(outcome, _clock.GetUtcNow());

        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(_clock.GetUtcNow(), order.FulfilledAt);
        Assert.Null(order.PreviousExpiresAt);
        Assert.Equal(_sim.ExpiresAt, order.NewExpiresAt);
    }

    [Fact]
    public void A_konbini_payment_waits_for_the_store_payment_then_becomes_paid()
    {
        var order = NewRenewalOrder();
        var deadline = _clock.GetUtcNow().AddDays(3);

        order.AwaitAsyncPayment("pi_konbini", deadline);

        Assert.Equal(OrderState.AwaitingAsyncPayment, order.State);
        Assert.Equal(deadline, order.AsyncPaymentDeadline);
        Assert.True(order.IsAwaitingPayment);

        _clock.Advance(TimeSpan.FromDays(1));
        Assert.True(order.MarkPaid(null, _clock.GetUtcNow()));

        Assert.Equal(OrderState.Paid, order.State);
        Assert.Equal("pi_konbini", order.PaymentIntentId);
        Assert.Equal(_clock.GetUtcNow(), order.PaidAt);
    }

    [Fact]
    public void A_late_konbini_event_does_not_move_a_paid_order_back()
    {
        var order = PaidOrder();

        order.AwaitAsyncPayment("pi_other", _clock.GetUtcNow().AddDays(3));

        Assert.Equal(OrderState.Paid, order.State);
        Assert.Null(order.AsyncPaymentDeadline);
        Assert.Equal("pi_1", order.PaymentIntentId);
    }

    [Fact]
    public void Marking_a_fulfilled_order_paid_again_returns_false_and_changes_nothing()
    {
        var order = FulfilledOrder();
        var paidAt = order.PaidAt;
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.False(order.MarkPaid("pi_other", _clock.GetUtcNow()));

        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(paidAt, order.PaidAt);
        Assert.Equal("pi_1", order.PaymentIntentId);
    }

    [Fact]
    public void Marking_a_paid_order_paid_again_returns_false_and_keeps_the_first_payment_time()
    {
        var order = PaidOrder();
        var paidAt = order.PaidAt;
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.False(order.MarkPaid("pi_1", _clock.GetUtcNow()));

        Assert.Equal(OrderState.Paid, order.State);
        Assert.Equal(paidAt, order.PaidAt);
    }

    [Fact]
    public void An_expired_checkout_closes_an_unpaid_order()
    {
        var order = NewRenewalOrder();

        Assert.True(order.MarkExpired(_clock.GetUtcNow()));

        Assert.Equal(OrderState.Expired, order.State);
        Assert.Equal(_clock.GetUtcNow(), order.ClosedAt);
        Assert.False(order.IsAwaitingPayment);
    }

    [Fact]
    public void A_checkout_expiry_after_payment_returns_false_and_the_order_stays_paid()
    {
        var order = PaidOrder();

        Assert.False(order.MarkExpired(_clock.GetUtcNow()));

        Assert.Equal(OrderState.Paid, order.State);
        Assert.Null(order.ClosedAt);
    }

    [Fact]
    public void A_closed_order_cannot_be_paid()
    {
        var order = NewRenewalOrder();
        order.MarkExpired(_clock.GetUtcNow());

        Assert.False(order.MarkPaid("pi_1", _clock.GetUtcNow()));
        Assert.Equal(OrderState.Expired, order.State);
        Assert.Null(order.PaidAt);
    }

    [Fact]
    public void A_failed_konbini_payment_closes_the_order()
    {
        var order = NewRenewalOrder();
        order.AwaitAsyncPayment("pi_konbini", _clock.GetUtcNow().AddDays(3));

        Assert.True(order.MarkFailed(_clock.GetUtcNow()));

        Assert.Equal(OrderState.Failed, order.State);
        Assert.False(order.Cancel(_clock.GetUtcNow()));
        Assert.Equal(OrderState.Failed, order.State);
    }

    [Fact]
    public void An_unpaid_order_can_be_cancelled_but_a_fulfilled_one_cannot()
    {
        var unpaid = NewRenewalOrder();
        var fulfilled = FulfilledOrder();

        Assert.True(unpaid.Cancel(_clock.GetUtcNow()));
        Assert.Equal(OrderState.Cancelled, unpaid.State);
        Assert.False(fulfilled.Cancel(_clock.GetUtcNow()));
        Assert.Equal(OrderState.Fulfilled, fulfilled.State);
    }

    [Fact]
    public void A_paid_order_can_be_refunded()
    {
        var order = PaidOrder();

        Assert.True(order.MarkRefunded(_clock.GetUtcNow()));

        Assert.Equal(OrderState.Refunded, order.State);
        Assert.Equal(_clock.GetUtcNow(), order.RefundedAt);
    }

    [Fact]
    public void A_fulfilled_order_can_be_refunded_once()
    {
        var order = FulfilledOrder();
        var refundedAt = _clock.GetUtcNow();

        Assert.True(order.MarkRefunded(refundedAt));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(order.MarkRefunded(_clock.GetUtcNow()));

        Assert.Equal(OrderState.Refunded, order.State);
        Assert.Equal(refundedAt, order.RefundedAt);
    }

    [Fact]
    public void An_order_that_was_never_paid_cannot_be_refunded()
    {
        var pending = NewRenewalOrder();
        var awaitingKonbini = NewRenewalOrder();
        awaitingKonbini.AwaitAsyncPayment("pi_konbini", null);
        var expired = NewRenewalOrder();
        expired.MarkExpired(_clock.GetUtcNow());

        Assert.False(pending.MarkRefunded(_clock.GetUtcNow()));
        Assert.False(awaitingKonbini.MarkRefunded(_clock.GetUtcNow()));
        Assert.False(expired.MarkRefunded(_clock.GetUtcNow()));

        Assert.Equal(OrderState.PendingPayment, pending.State);
        Assert.Equal(OrderState.AwaitingAsyncPayment, awaitingKonbini.State);
        Assert.Equal(OrderState.Expired, expired.State);
        Assert.Null(pending.RefundedAt);
    }

    [Fact]
    public void Fulfilling_an_unpaid_order_throws()
    {
        var pending = NewRenewalOrder();
        var awaitingKonbini = NewRenewalOrder();
        awaitingKonbini.AwaitAsyncPayment("pi_konbini", null);

        Assert.Throws<InvalidOperationException>(() => pending.MarkFulfilled(null, _clock.GetUtcNow()));
        Assert.Throws<InvalidOperationException>(() => awaitingKonbini.MarkFulfilled(null, _clock.GetUtcNow()));
        Assert.Equal(OrderState.PendingPayment, pending.State);
        Assert.Null(pending.FulfilledAt);
    }

    [Fact]
    public void A_renewal_order_for_a_plan_that_does_not_fit_the_sim_is_refused()
    {
        var esimOnly = TestPlans.Limited(days: 7, dataMb: 1024, kinds: SimKinds.Esim);

        Assert.Throws<InvalidOperationException>(() => NewRenewalOrder(esimOnly));
    }

    [Fact]
    public void A_new_esim_order_for_a_physical_only_plan_is_refused()
    {
        var physicalOnly = TestPlans.Limited(days: 7, dataMb: 1024, kinds: SimKinds.Physical);

        Assert.Throws<InvalidOperationException>(() =>
            Order.ForNewEsim(physicalOnly, "user-1", "traveller@example.com", "ja", "new-1", _clock.GetUtcNow()));
    }

    [Fact]
    public void A_new_esim_order_receives_its_sim_once()
    {
        var order = Order.ForNewEsim(_plan, "user-1", "traveller@example.com", "ja", "new-1", _clock.GetUtcNow());
        var esim = Sim.IssueEsim(Iccid.FromBody("8981100000000000012"), "LPA:1$smdp.example$X", "traveller@example.com", "user-1", _clock.GetUtcNow());

        Assert.Null(order.SimId);
        order.AttachNewSim(esim);

        Assert.Equal(esim.Id, order.SimId);
        Assert.Throws<InvalidOperationException>(() => order.AttachNewSim(esim));
        Assert.Throws<InvalidOperationException>(() => NewRenewalOrder().AttachNewSim(esim));
    }

    [Fact]
    public void A_voucher_order_costs_nothing_through_the_portal_and_is_fulfilled_at_once()
    {
        var now = _clock.GetUtcNow();
        var outcome = _sim.ApplyRenewal(_plan, now);

        var order = Order.ForVoucher(_sim, _plan, outcome, null, "traveller@example.com", "en", "voucher-1", now);

        Assert.Equal(OrderKind.Voucher, order.Kind);
        Assert.Equal(Yen.Zero, order.Amount);
        Assert.Equal(0L, order.Amount.ToMinorUnits());
        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(now, order.PaidAt);
        Assert.Equal(now, order.FulfilledAt);
        Assert.Equal(outcome.NewExpiresAt, order.NewExpiresAt);
        Assert.Equal(_plan.Id, order.PlanVersionId);
        Assert.False(order.MarkPaid("pi_1", now));
    }

    [Fact]
    public void A_checkout_session_is_attached_once_and_a_different_one_is_refused()
    {
        var order = NewRenewalOrder();

        order.AttachCheckoutSession("cs_test_1");
        order.AttachCheckoutSession("cs_test_1");

        Assert.Equal("cs_test_1", order.CheckoutSessionId);
        Assert.Throws<InvalidOperationException>(() => order.AttachCheckoutSession("cs_test_2"));
        Assert.Equal("cs_test_1", order.CheckoutSessionId);
    }

    [Fact]
    public void The_payment_method_is_kept_once_known()
    {
        var order = NewRenewalOrder();

        order.RecordPaymentDetails("card", null);
        order.RecordPaymentDetails("alipay", null);

        Assert.Equal("card", order.PaymentMethod);
    }

    [Fact]
    public void An_order_without_an_email_takes_the_one_given_at_checkout_and_an_order_with_one_keeps_it()
    {
        var phoneOnly = Order.ForRenewal(_sim, _plan, "user-1", "", "zh-Hans", "k-phone", _clock.GetUtcNow());
        var withEmail = NewRenewalOrder();

        phoneOnly.RecordPaymentDetails("card", "paid@example.com");
        withEmail.RecordPaymentDetails("card", "other@example.com");

        Assert.Equal("paid@example.com", phoneOnly.Email);
        Assert.NotEqual("other@example.com", withEmail.Email);
    }

    [Fact]
    public void Removing_personal_data_keeps_the_money_and_drops_the_buyer()
    {
        var order = NewRenewalOrder();
        order.MarkPaid("pi_1", _clock.GetUtcNow());

        order.RemovePersonalData(_clock.GetUtcNow());

        Assert.Null(order.UserId);
        Assert.Equal("", order.Email);
        Assert.Equal(OrderState.Paid, order.State);
        Assert.NotEqual(Yen.Zero, order.Amount);
    }

    [Fact]
    public void An_order_whose_account_was_deleted_takes_no_email_from_a_later_payment()
    {
        var order = NewRenewalOrder();
        order.RemovePersonalData(_clock.GetUtcNow());

        order.RecordPaymentDetails("card", "checkout@example.com");
        order.MarkPaid("pi_1", _clock.GetUtcNow());

        Assert.Equal("", order.Email);
        Assert.Equal("card", order.PaymentMethod);
        Assert.Equal(_clock.GetUtcNow(), order.PersonalDataRemovedAt);
    }
}

