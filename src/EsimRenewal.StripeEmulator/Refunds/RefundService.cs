using System.Text.Json.Nodes;
using EsimRenewal.StripeEmulator.Events;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.Refunds;

/// <summary>
/// <c>POST /v1/refunds</c>: refunds a paid payment intent (or charge), in full by default; emits
/// <c>charge.refunded</c> with the charge as it stands afterwards.
/// </summary>
public sealed class RefundService(EmulatorStore store, EventRecorder events, TimeProvider time)
{
    private static readonly HashSet<string> KnownParameters =
    [
        "amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin", "payment_intent",
        "reason", "refund_application_fee", "reverse_transfer",
    ];

    public JsonObject Create(ApiRequest request)
    {
        var p = request.Parameters;
        foreach (var key in p.Keys)
        {
            if (!KnownParameters.Contains(key))
            {
                throw StripeApiException.Unknown(key);
            }
        }

        var amount = p.OptionalInteger("amount", minimum: 1);
        var reason = p.OptionalString("reason");
        if (reason is not (null or "duplicate" or "fraudulent" or "requested_by_customer"))
        {
            throw StripeApiException.Invalid("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", "reason");
        }

        var metadata = p.StringMap("metadata");
        var paymentIntentId = p.OptionalString("payment_intent");
        var chargeId = p.OptionalString("charge");

        return store.Locked(state =>
        {
            var charge = FindCharge(state, paymentIntentId, chargeId);
            if (charge.Refunded)
            {
                throw StripeApiException.Invalid($"Charge {charge.Id} has already been refunded.", code: "charge_already_refunded");
            }

            var refundAmount = amount ?? charge.Refundable;
            if (refundAmount > charge.Refundable)
            {
                throw StripeApiException.Invalid(
                    $"Refund amount ({Money.Format(refundAmount, charge.Currency)}) is greater than unrefunded amount on charge " +
                    $"({Money.Format(charge.Refundable, charge.Currency)})",
                    "amount",
                    "amount_too_large");
            }

            charge.Refund(refundAmount);
            var refund = new Refund(
                Ids.New("re_"), time.GetUtcNow(), refundAmount, charge.Currency, charge.Id, charge.PaymentIntentId, reason, metadata);
            state.Refunds.Add(refund.Id, refund);
            events.Record(state, "charge.refunded", PaymentWire.Charge(charge), request);
            return PaymentWire.Refund(refund);
        });
    }

    private static Charge FindCharge(EmulatorState state, string? paymentIntentId, string? chargeId)
    {
        if (chargeId is not null)
        {
            return state.Charges.TryGetValue(chargeId, out var byId) ? byId : throw StripeApiException.NoSuchParam("charge", chargeId, "charge");
        }

        if (paymentIntentId is null)
        {
            throw StripeApiException.Invalid("One of the following params should be provided for this request: payment_intent or charge.");
        }

        if (!state.PaymentIntents.TryGetValue(paymentIntentId, out var pi))
        {
            throw StripeApiException.NoSuchParam("payment_intent", paymentIntentId, "payment_intent");
        }

        return pi.ChargeId is not null && state.Charges.TryGetValue(pi.ChargeId, out var charge)
            ? charge
            : throw StripeApiException.Invalid(
                $"This PaymentIntent ({pi.Id}) does not have a successful charge to refund.",
                "payment_intent",
                "charge_not_refundable");
    }
}
