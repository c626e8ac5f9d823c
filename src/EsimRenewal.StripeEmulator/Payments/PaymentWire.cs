using System.Text.Json.Nodes;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.Payments;

/// <summary>Payment intents, charges and refunds as Stripe writes them.</summary>
public static class PaymentWire
{
    public static JsonObject PaymentIntent(PaymentIntent pi) => new()
    {
        ["id"] = pi.Id,
        ["object"] = "payment_intent",
        ["amount"] = pi.Amount,
        ["amount_capturable"] = 0,
        ["amount_received"] = pi.AmountReceived,
        ["capture_method"] = "automatic_async",
        ["client_secret"] = $"{pi.Id}_secret_emulator",
        ["confirmation_method"] = "automatic",
        ["created"] = WireJson.Unix(pi.Created),
        ["currency"] = pi.Currency,
        ["customer"] = null,
        ["description"] = null,
        ["last_payment_error"] = null,
        ["latest_charge"] = pi.ChargeId,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["next_action"] = NextAction(pi),
        ["payment_method"] = pi.PaymentMethodId,
        ["payment_method_types"] = WireJson.Array([pi.PaymentMethodType]),
        ["status"] = pi.Status,
    };

    public static JsonObject Charge(Charge charge) => new()
    {
        ["id"] = charge.Id,
        ["object"] = "charge",
        ["amount"] = charge.Amount,
        ["amount_captured"] = charge.Amount,
        ["amount_refunded"] = charge.AmountRefunded,
        ["balance_transaction"] = null,
        ["billing_details"] = new JsonObject
        {
            ["address"] = null, ["email"] = charge.BillingEmail, ["name"] = null, ["phone"] = null,
        },
        ["captured"] = true,
        ["created"] = WireJson.Unix(charge.Created),
        ["currency"] = charge.Currency,
        ["customer"] = null,
        ["description"] = null,
        ["disputed"] = false,
        ["failure_code"] = null,
        ["failure_message"] = null,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["paid"] = true,
        ["payment_intent"] = charge.PaymentIntentId,
        ["payment_method"] = charge.PaymentMethodId,
        ["payment_method_details"] = PaymentMethodDetails(charge),
        ["receipt_email"] = charge.BillingEmail,
        ["refunded"] = charge.Refunded,
        ["status"] = "succeeded",
    };

    public static JsonObject Refund(Refund refund) => new()
    {
        ["id"] = refund.Id,
        ["object"] = "refund",
        ["amount"] = refund.Amount,
        ["balance_transaction"] = null,
        ["charge"] = refund.ChargeId,
        ["created"] = WireJson.Unix(refund.Created),
        ["currency"] = refund.Currency,
        ["metadata"] = WireJson.Map(refund.Metadata),
        ["payment_intent"] = refund.PaymentIntentId,
        ["reason"] = refund.Reason,
        ["receipt_number"] = null,
        ["source_transfer_reversal"] = null,
        ["status"] = "succeeded",
        ["transfer_reversal"] = null,
    };

    private static JsonObject? NextAction(PaymentIntent pi)
    {
        if (pi.Konbini is not { } voucher || pi.Status != PaymentIntentStatus.RequiresAction)
        {
            return null;
        }

        JsonObject Store() => new() { ["confirmation_number"] = voucher.ConfirmationNumber, ["payment_code"] = voucher.PaymentCode };
        return new JsonObject
        {
            ["type"] = "konbini_display_details",
            ["konbini_display_details"] = new JsonObject
            {
                ["expires_at"] = WireJson.Unix(voucher.ExpiresAt),
                ["hosted_voucher_url"] = null,
                ["stores"] = new JsonObject
                {
                    ["familymart"] = Store(), ["lawson"] = Store(), ["ministop"] = Store(), ["seicomart"] = Store(),
                },
            },
        };
    }

    private static JsonObject PaymentMethodDetails(Charge charge)
    {
        var details = new JsonObject { ["type"] = charge.PaymentMethodType };
        details[charge.PaymentMethodType] = charge.Card is { } card
            ? new JsonObject
            {
                ["brand"] = card.Brand,
                ["country"] = "US",
                ["exp_month"] = card.ExpMonth,
                ["exp_year"] = card.ExpYear,
                ["funding"] = "credit",
                ["last4"] = card.Last4,
            }
            : new JsonObject();
        return details;
    }
}
