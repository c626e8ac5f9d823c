using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;

namespace EsimRenewal.Core.Orders;

/// <summary>An order: what was bought, for which SIM, at which plan version and price, and its payment state.</summary>
public sealed class Order
{
    public const int IdempotencyKeyMaxLength = 100;
    public const int StripeIdMaxLength = 255;
    public const int CheckoutUrlMaxLength = 2048;
    public const int EmailMaxLength = 256;
    public const int CultureMaxLength = 10;
    public const int PaymentMethodMaxLength = 40;
    public const int RefundReasonMaxLength = 500;

    /// <summary>The payment method of a voucher redemption (paid at the store).</summary>
    public const string VoucherPaymentMethod = "voucher";

    private Order()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>Human-facing order number (a database sequence).</summary>
    public long Number { get; private set; }
    public OrderKind Kind { get; private set; }
    public OrderState State { get; private set; }
    public string? UserId { get; private set; }
    public Guid? SimId { get; private set; }
    public Sim? Sim { get; private set; }
    public Guid PlanVersionId { get; private set; }
    public PlanVersion PlanVersion { get; private set; } = null!;
    public Yen Amount { get; private set; }
    public string Email { get; private set; } = "";
    public string Culture { get; private set; } = "";

    /// <summary>Derived from the purchase request, unique: a repeated request finds this order.</summary>
    public string IdempotencyKey { get; private set; } = "";
    public string? CheckoutSessionId { get; private set; }

    /// <summary>Where the open checkout is paid, and until when: a repeated purchase is sent there without asking the provider.</summary>
    public string? CheckoutUrl { get; private set; }
    public DateTimeOffset? CheckoutExpiresAt { get; private set; }
    public string? PaymentIntentId { get; private set; }

    /// <summary>How it was paid: the provider's payment method type (<c>card</c>, <c>alipay</c>, <c>konbini</c>…) or <c>voucher</c>.</summary>
    public string? PaymentMethod { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? PaidAt { get; private set; }
    public DateTimeOffset? FulfilledAt { get; private set; }
    public DateTimeOffset? AsyncPaymentDeadline { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
    public DateTimeOffset? RefundedAt { get; private set; }

    /// <summary>An admin asked the provider to refund this order (it becomes Refunded when the provider confirms).</summary>
    public DateTimeOffset? RefundRequestedAt { get; private set; }
    public string? RefundRequestedById { get; private set; }
    public string? RefundReason { get; private set; }

    /// <summary>The provider's refund, once it accepted the request.</summary>
    public string? RefundId { get; private set; }

    /// <summary>Decided when the refund was asked for: whether the SIM loses this renewal's days.</summary>
    public bool? RefundRollsBack { get; private set; }

    /// <summary>The SIM's expiry once the refund took this renewal's days back; null when it did not.</summary>
    public DateTimeOffset? RolledBackTo { get; private set; }

    /// <summary>The SIM's expiry before and after fulfilment (renewals), for receipts and roll-back.</summary>
    public DateTimeOffset? PreviousExpiresAt { get; private set; }
    public DateTimeOffset? NewExpiresAt { get; private set; }
    public long? PreviousDataLeftMb { get; private set; }

    /// <summary>When the buyer's account was deleted: the order keeps no buyer from then on, whatever the provider reports.</summary>
    public DateTimeOffset? PersonalDataRemovedAt { get; private set; }

    public uint Version { get; private set; }

    public bool IsAwaitingPayment => State is OrderState.PendingPayment or OrderState.AwaitingAsyncPayment;

    public static Order ForRenewal(Sim sim, PlanVersion plan, string? userId, string email, string culture, string idempotencyKey, DateTimeOffset now)
    {
        if (!plan.Fits(sim.Kind))
        {
            throw new InvalidOperationException("The plan does not fit this SIM.");
        }
        return New(OrderKind.Renewal, sim, plan, plan.Price, userId, email, culture, idempotencyKey, now);
    }

    public static Order ForNewEsim(PlanVersion plan, string userId, string email, string culture, string idempotencyKey, DateTimeOffset now)
    {
        if (!plan.Fits(SimKind.Esim))
        {
            throw new InvalidOperationException("The plan does not fit an eSIM.");
        }
        return New(OrderKind.NewEsim, null, plan, plan.Price, userId, email, culture, idempotencyKey, now);
    }

    /// <summary>A voucher redemption: paid at the store, so ¥0 here, fulfilled at once.</summary>
    public static Order ForVoucher(Sim sim, PlanVersion plan, RenewalOutcome outcome, string? userId, string email, string culture, string idempotencyKey, DateTimeOffset now)
    {
        var order = New(OrderKind.Voucher, sim, plan, Yen.Zero, userId, email, culture, idempotencyKey, now);
        order.PaymentMethod = VoucherPaymentMethod;
        order.State = OrderState.Paid;
        order.PaidAt = now;
        order.MarkFulfilled(outcome, now);
        return order;
    }

    private static Order New(OrderKind kind, Sim? sim, PlanVersion plan, Yen amount, string? userId, string email, string culture, string idempotencyKey, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Kind = kind,
        State = OrderState.PendingPayment,
        UserId = userId,
        SimId = sim?.Id,
        Sim = sim,
        PlanVersionId = plan.Id,
        PlanVersion = plan,
        Amount = amount,
        Email = email,
        Culture = culture,
        IdempotencyKey = idempotencyKey,
        CreatedAt = now,
    };

    public void AttachCheckoutSession(string sessionId, string? url = null, DateTimeOffset? expiresAt = null)
    {
        if (CheckoutSessionId is not null && CheckoutSessionId != sessionId)
        {
            throw new InvalidOperationException("The order already has another checkout session.");
        }
        CheckoutSessionId = sessionId;
        CheckoutUrl = url ?? CheckoutUrl;
        CheckoutExpiresAt = expiresAt ?? CheckoutExpiresAt;
    }

    /// <summary>The checkout of this unpaid order can still be paid at <see cref="CheckoutUrl"/> for a while after <paramref name="now"/>.</summary>
    public bool HasOpenCheckout(DateTimeOffset now) =>
        State == OrderState.PendingPayment && CheckoutUrl is not null && CheckoutExpiresAt > now + OpenCheckoutMargin;

    /// <summary>A checkout about to expire is not handed out again: the customer needs time to pay.</summary>
    public static readonly TimeSpan OpenCheckoutMargin = TimeSpan.FromMinutes(10);

    /// <summary>Konbini: the customer has a payment slip and pays at the store later.</summary>
    public void AwaitAsyncPayment(string? paymentIntentId, DateTimeOffset? deadline)
    {
        if (State == OrderState.PendingPayment)
        {
            State = OrderState.AwaitingAsyncPayment;
            PaymentIntentId ??= paymentIntentId;
            AsyncPaymentDeadline = deadline;
        }
    }

    /// <summary>The slip's deadline as the provider's payment states it (it replaces an estimate made from our settings).</summary>
    public void RecordAsyncPaymentDeadline(DateTimeOffset deadline)
    {
        if (State == OrderState.AwaitingAsyncPayment)
        {
            AsyncPaymentDeadline = deadline;
        }
    }

    /// <summary>Awaiting a store payment whose deadline passed more than <paramref name="grace"/> ago.</summary>
    public bool IsAsyncPaymentOverdue(DateTimeOffset now, TimeSpan grace) =>
        State == OrderState.AwaitingAsyncPayment && AsyncPaymentDeadline is { } deadline && now >= deadline + grace;

    /// <summary>
    /// What the provider reports about the payment: the method (kept once known) and, for orders without
    /// an email (phone-only accounts, guests), the email given at checkout, where the receipt goes. An order
    /// whose buyer deleted their account takes no email back.
    /// </summary>
    public void RecordPaymentDetails(string? paymentMethod, string? customerEmail)
    {
        if (!string.IsNullOrWhiteSpace(paymentMethod) && PaymentMethod is null)
        {
            PaymentMethod = paymentMethod.Length > PaymentMethodMaxLength ? paymentMethod[..PaymentMethodMaxLength] : paymentMethod;
        }
        if (PersonalDataRemovedAt is null && string.IsNullOrEmpty(Email) && !string.IsNullOrWhiteSpace(customerEmail) && customerEmail.Length <= EmailMaxLength)
        {
            Email = customerEmail;
        }
    }

    /// <summary>The buyer's account is deleted: the financial record stays, the personal data goes, for good.</summary>
    public void RemovePersonalData(DateTimeOffset now)
    {
        UserId = null;
        Email = "";
        PersonalDataRemovedAt ??= now;
    }

    /// <summary>Moves an unpaid order to Paid; returns false when it was not awaiting payment.</summary>
    public bool MarkPaid(string? paymentIntentId, DateTimeOffset now)
    {
        if (!IsAwaitingPayment)
        {
            return false;
        }
        State = OrderState.Paid;
        PaymentIntentId ??= paymentIntentId;
        PaidAt = now;
        return true;
    }

    public void MarkFulfilled(RenewalOutcome? outcome, DateTimeOffset now)
    {
        if (State != OrderState.Paid)
        {
            throw new InvalidOperationException($"Only a paid order can be fulfilled; this one is {State}.");
        }
        State = OrderState.Fulfilled;
        FulfilledAt = now;
        PreviousExpiresAt = outcome?.PreviousExpiresAt;
        NewExpiresAt = outcome?.NewExpiresAt;
        PreviousDataLeftMb = outcome?.PreviousDataLeftMb;
    }

    /// <summary>For a new eSIM, the SIM exists only once the order is fulfilled.</summary>
    public void AttachNewSim(Sim sim)
    {
        if (Kind != OrderKind.NewEsim || SimId is not null)
        {
            throw new InvalidOperationException("Only a new-eSIM order without a SIM can receive one.");
        }
        Sim = sim;
        SimId = sim.Id;
    }

    /// <summary>The checkout session expired before payment; false when already past that point.</summary>
    public bool MarkExpired(DateTimeOffset now) => Close(OrderState.Expired, now);

    /// <summary>An asynchronous (konbini) payment failed or its deadline passed.</summary>
    public bool MarkFailed(DateTimeOffset now) => Close(OrderState.Failed, now);

    /// <summary>The customer abandoned the order before paying.</summary>
    public bool Cancel(DateTimeOffset now) => Close(OrderState.Cancelled, now);

    /// <summary>Why this order cannot be refunded through the provider, or null when it can.</summary>
    public RefundRefusal? RefundRefusal => this switch
    {
        { Kind: OrderKind.Voucher } => Orders.RefundRefusal.PaidWithVoucher,
        { State: OrderState.Refunded } or { RefundId: not null } => Orders.RefundRefusal.AlreadyRefunded,
        { State: not (OrderState.Paid or OrderState.Fulfilled) } => Orders.RefundRefusal.NotPaid,
        { PaymentIntentId: null } => Orders.RefundRefusal.NotPaid,
        _ => null,
    };

    /// <summary>
    /// Records an admin's refund request (once: a repeated request changes nothing and answers false).
    /// <paramref name="rollsBack"/> is decided now, from the SIM as it is, and applied when the provider confirms.
    /// </summary>
    public bool RequestRefund(string reason, string adminId, bool rollsBack, DateTimeOffset now)
    {
        if (RefundRefusal is { } refusal)
        {
            throw new InvalidOperationException($"Order {Id} cannot be refunded: {refusal}.");
        }
        if (RefundRequestedAt is not null)
        {
            return false;
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        RefundReason = reason.Length > RefundReasonMaxLength ? reason[..RefundReasonMaxLength] : reason;
        RefundRequestedAt = now;
        RefundRequestedById = adminId;
        RefundRollsBack = rollsBack;
        return true;
    }

    public void RecordRefund(string refundId)
    {
        RefundId ??= refundId;
    }

    /// <summary>The refund took this renewal's days back: the SIM now ends at <paramref name="expiresAt"/>.</summary>
    public void RecordRollBack(DateTimeOffset expiresAt)
    {
        if (State != OrderState.Refunded)
        {
            throw new InvalidOperationException($"Order {Id} is not refunded.");
        }
        RolledBackTo = expiresAt;
    }

    public bool MarkRefunded(DateTimeOffset now)
    {
        if (State is not (OrderState.Paid or OrderState.Fulfilled))
        {
            return false;
        }
        State = OrderState.Refunded;
        RefundedAt = now;
        return true;
    }

    private bool Close(OrderState state, DateTimeOffset now)
    {
        if (!IsAwaitingPayment)
        {
            return false;
        }
        State = state;
        ClosedAt = now;
        return true;
    }
}

public enum RefundRefusal
{
    /// <summary>Paid at a store with a prepaid voucher: nothing was charged through the portal.</summary>
    PaidWithVoucher,
    NotPaid,
    AlreadyRefunded,
}
