using EsimRenewal.StripeEmulator.Events;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Sessions;
using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.Payments;

public enum PaymentResultKind
{
    Succeeded,
    Declined,
    NotAllowed,
    NotFound,
}

/// <summary>What became of a payment attempt; a decline carries Stripe's code and message.</summary>
public sealed record PaymentResult(PaymentResultKind Kind, string Message, string? Code = null, string? DeclineCode = null)
{
    public static readonly PaymentResult Success = new(PaymentResultKind.Succeeded, "Payment succeeded.");

    public bool Succeeded => Kind == PaymentResultKind.Succeeded;
}

/// <summary>
/// What the customer does on the hosted page (or a test does through /_emulator): pay by card,
/// authorise a wallet, take a konbini slip, and later pay it at the store or let it lapse. Each
/// change and the event it emits happen under the store's lock.
/// </summary>
public sealed class CheckoutPayments(EmulatorStore store, EventRecorder events, TimeProvider time)
{
    public const int DefaultKonbiniDays = 3;
    private static readonly TimeZoneInfo Japan = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");

    public PaymentResult PayByCard(string sessionId, string? email, string? number, string? expiry, string? cvc) => store.Locked(state =>
    {
        if (Payable(state, sessionId, "card", out var session) is { } refusal)
        {
            return refusal;
        }

        var verdict = TestCards.Charge(number, expiry, cvc, time.GetUtcNow());
        if (!verdict.Approved)
        {
            return new PaymentResult(PaymentResultKind.Declined, verdict.Message, verdict.Code, verdict.DeclineCode);
        }

        PayNow(state, session, "card", email, verdict.Card);
        return PaymentResult.Success;
    });

    /// <summary>Alipay, WeChat Pay or PayPay: the customer approves (or refuses) on the wallet's test page.</summary>
    public PaymentResult AuthorizeWallet(string sessionId, string type, bool approve, string? email) => store.Locked(state =>
    {
        if (Payable(state, sessionId, type, out var session) is { } refusal)
        {
            return refusal;
        }

        if (type is not ("alipay" or "wechat_pay" or "paypay"))
        {
            return new PaymentResult(PaymentResultKind.NotAllowed, $"{type} is not a wallet.");
        }

        if (!approve)
        {
            return new PaymentResult(
                PaymentResultKind.Declined,
                "The customer did not authorise the payment. Choose another payment method.",
                "payment_intent_authentication_failure");
        }

        PayNow(state, session, type, email, card: null);
        return PaymentResult.Success;
    });

    /// <summary>The customer takes a konbini slip: the session completes unpaid until the store payment.</summary>
    public PaymentResult ChooseKonbini(string sessionId, string? email) => store.Locked(state =>
    {
        if (Payable(state, sessionId, "konbini", out var session) is { } refusal)
        {
            return refusal;
        }

        var now = time.GetUtcNow();
        var voucher = new KonbiniVoucher(Ids.Digits(12), Ids.Digits(11), KonbiniDeadline(now, session.KonbiniExpiresAfterDays ?? DefaultKonbiniDays));
        var pi = NewPaymentIntent(state, session, "konbini", PaymentIntentStatus.RequiresAction, card: null, voucher);
        session.Complete(pi.Id, PayerEmail(session, email), paid: false);
        events.Record(state, "checkout.session.completed", SessionWire.Session(session, state));
        return PaymentResult.Success;
    });

    /// <summary>The customer paid the slip at the store.</summary>
    public PaymentResult KonbiniPaid(string sessionId) => store.Locked(state =>
    {
        if (PendingKonbini(state, sessionId, out var session, out var pi) is { } refusal)
        {
            return refusal;
        }

        pi.Status = PaymentIntentStatus.Succeeded;
        pi.ChargeId = NewCharge(state, pi, session.CustomerDetailsEmail!, card: null).Id;
        session.MarkAsyncPaymentSucceeded();
        events.Record(state, "checkout.session.async_payment_succeeded", SessionWire.Session(session, state));
        return PaymentResult.Success;
    });

    /// <summary>The slip's deadline passed unpaid.</summary>
    public PaymentResult KonbiniLapsed(string sessionId) => store.Locked(state => Lapse(state, sessionId));

    /// <summary>Lets every konbini slip past its deadline lapse. Returns how many.</summary>
    public int LapseOverdueKonbini()
    {
        var now = time.GetUtcNow();
        return store.Locked(state =>
        {
            var overdue = state.PaymentIntents.Values
                .Where(pi => pi.Status == PaymentIntentStatus.RequiresAction && pi.Konbini!.ExpiresAt <= now)
                .Select(pi => pi.SessionId)
                .ToList();
            return overdue.Count(id => Lapse(state, id).Succeeded);
        });
    }

    /// <summary>23:59:59 JST on the n-th day after today in Japan, as Stripe's <c>expires_after_days</c>.</summary>
    public static DateTimeOffset KonbiniDeadline(DateTimeOffset now, long days)
    {
        var todayInJapan = TimeZoneInfo.ConvertTime(now, Japan).Date;
        var lastDay = todayInJapan.AddDays(days);
        return new DateTimeOffset(lastDay.AddDays(1).AddSeconds(-1), Japan.BaseUtcOffset);
    }

    private PaymentResult Lapse(EmulatorState state, string sessionId)
    {
        if (PendingKonbini(state, sessionId, out var session, out var pi) is { } refusal)
        {
            return refusal;
        }

        pi.Status = PaymentIntentStatus.RequiresPaymentMethod;
        events.Record(state, "checkout.session.async_payment_failed", SessionWire.Session(session, state));
        return PaymentResult.Success;
    }

    private PaymentResult? Payable(EmulatorState state, string sessionId, string type, out CheckoutSession session)
    {
        if (!state.Sessions.TryGetValue(sessionId, out session!))
        {
            return new PaymentResult(PaymentResultKind.NotFound, $"No such checkout.session: '{sessionId}'");
        }

        if (!session.IsOpen || session.ExpiresAt <= time.GetUtcNow())
        {
            return new PaymentResult(PaymentResultKind.NotAllowed, $"This Checkout Session is no longer open (status {session.Status}).");
        }

        return session.PaymentMethodTypes.Contains(type)
            ? null
            : new PaymentResult(PaymentResultKind.NotAllowed, $"{type} is not among this session's payment_method_types.");
    }

    private static PaymentResult? PendingKonbini(EmulatorState state, string sessionId, out CheckoutSession session, out PaymentIntent pi)
    {
        pi = null!;
        if (!state.Sessions.TryGetValue(sessionId, out session!))
        {
            return new PaymentResult(PaymentResultKind.NotFound, $"No such checkout.session: '{sessionId}'");
        }

        if (session.PaymentIntentId is null
            || !state.PaymentIntents.TryGetValue(session.PaymentIntentId, out pi!)
            || pi.PaymentMethodType != "konbini"
            || pi.Status != PaymentIntentStatus.RequiresAction)
        {
            return new PaymentResult(PaymentResultKind.NotAllowed, "This session has no konbini payment waiting at the store.");
        }

        return null;
    }

    /// <summary>Checkout fixes the email to <c>customer_email</c> when the session has one.</summary>
    private static string PayerEmail(CheckoutSession session, string? entered) =>
        session.CustomerEmail ?? (string.IsNullOrWhiteSpace(entered) ? "customer@example.com" : entered.Trim());

    private void PayNow(EmulatorState state, CheckoutSession session, string type, string? enteredEmail, CardSummary? card)
    {
        var email = PayerEmail(session, enteredEmail);
        var pi = NewPaymentIntent(state, session, type, PaymentIntentStatus.Succeeded, card, konbini: null);
        pi.ChargeId = NewCharge(state, pi, email, card).Id;
        session.Complete(pi.Id, email, paid: true);
        events.Record(state, "checkout.session.completed", SessionWire.Session(session, state));
    }

    private PaymentIntent NewPaymentIntent(
        EmulatorState state, CheckoutSession session, string type, string status, CardSummary? card, KonbiniVoucher? konbini)
    {
        var pi = new PaymentIntent
        {
            Id = Ids.New("pi_"),
            Created = time.GetUtcNow(),
            Amount = session.AmountTotal,
            Currency = session.Currency,
            SessionId = session.Id,
            PaymentMethodType = type,
            PaymentMethodId = Ids.New("pm_"),
            Status = status,
            Card = card,
            Konbini = konbini,
        };
        state.PaymentIntents.Add(pi.Id, pi);
        return pi;
    }

    private Charge NewCharge(EmulatorState state, PaymentIntent pi, string email, CardSummary? card)
    {
        var charge = new Charge
        {
            Id = Ids.New("ch_"),
            Created = time.GetUtcNow(),
            Amount = pi.Amount,
            Currency = pi.Currency,
            PaymentIntentId = pi.Id,
            PaymentMethodId = pi.PaymentMethodId,
            PaymentMethodType = pi.PaymentMethodType,
            BillingEmail = email,
            Card = card,
        };
        state.Charges.Add(charge.Id, charge);
        return charge;
    }
}
