using System.Text.Json.Nodes;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.State;

namespace EsimRenewal.StripeEmulator.Sessions;

/// <summary>A session as Stripe writes a <c>checkout.session</c> object.</summary>
public static class SessionWire
{
    public static JsonObject Session(CheckoutSession s, EmulatorState state, IReadOnlySet<string>? expand = null)
    {
        expand ??= new HashSet<string>();
        var json = new JsonObject
        {
            ["id"] = s.Id,
            ["object"] = "checkout.session",
            ["adaptive_pricing"] = null,
            ["after_expiration"] = null,
            ["allow_promotion_codes"] = null,
            ["allowed_payment_method_types"] = s.AllowedPaymentMethodTypes is null ? null : WireJson.Array(s.AllowedPaymentMethodTypes),
            ["amount_subtotal"] = s.AmountTotal,
            ["amount_total"] = s.AmountTotal,
            ["automatic_tax"] = new JsonObject { ["enabled"] = false, ["liability"] = null, ["provider"] = null, ["status"] = null },
            ["billing_address_collection"] = null,
            ["cancel_url"] = s.CancelUrl,
            ["client_reference_id"] = s.ClientReferenceId,
            ["client_secret"] = null,
            ["consent"] = null,
            ["consent_collection"] = null,
            ["created"] = WireJson.Unix(s.Created),
            ["currency"] = s.Currency,
            ["currency_conversion"] = null,
            ["custom_fields"] = new JsonArray(),
            ["custom_text"] = new JsonObject
            {
                ["after_submit"] = null, ["shipping_address"] = null, ["submit"] = null, ["terms_of_service_acceptance"] = null,
            },
            ["customer"] = null,
            ["customer_creation"] = "if_required",
            ["customer_details"] = s.CustomerDetailsEmail is null ? null : CustomerDetails(s.CustomerDetailsEmail),
            ["customer_email"] = s.CustomerEmail,
            ["discounts"] = new JsonArray(),
            ["excluded_payment_method_types"] = null,
            ["expires_at"] = WireJson.Unix(s.ExpiresAt),
            ["invoice"] = null,
            ["invoice_creation"] = null,
            ["livemode"] = false,
            ["locale"] = s.Locale,
            ["metadata"] = WireJson.Map(s.Metadata),
            ["mode"] = "payment",
            ["payment_intent"] = PaymentIntentField(s, state, expand),
            ["payment_link"] = null,
            ["payment_method_collection"] = "if_required",
            ["payment_method_configuration_details"] = null,
            ["payment_method_options"] = PaymentMethodOptions(s),
            ["payment_method_types"] = WireJson.Array(s.PaymentMethodTypes),
            ["payment_status"] = s.PaymentStatus,
            ["phone_number_collection"] = new JsonObject { ["enabled"] = false },
            ["recovered_from"] = null,
            ["saved_payment_method_options"] = null,
            ["setup_intent"] = null,
            ["shipping_address_collection"] = null,
            ["shipping_cost"] = null,
            ["shipping_options"] = new JsonArray(),
            ["status"] = s.Status,
            ["submit_type"] = null,
            ["subscription"] = null,
            ["success_url"] = s.SuccessUrl,
            ["total_details"] = new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = 0 },
            ["ui_mode"] = "hosted",
            ["url"] = s.IsOpen ? s.HostedUrl : null,
            ["wallet_options"] = null,
        };

        if (expand.Contains("line_items"))
        {
            json["line_items"] = LineItems(s, s.LineItems, hasMore: false);
        }

        return json;
    }

    public static JsonObject LineItems(CheckoutSession s, IEnumerable<SessionLineItem> items, bool hasMore) =>
        WireJson.List(items.Select(item => LineItem(item, s.Created)), hasMore, $"/v1/checkout/sessions/{s.Id}/line_items");

    private static JsonObject LineItem(SessionLineItem item, DateTimeOffset created) => new()
    {
        ["id"] = item.Id,
        ["object"] = "item",
        ["amount_discount"] = 0,
        ["amount_subtotal"] = item.Amount,
        ["amount_tax"] = 0,
        ["amount_total"] = item.Amount,
        ["currency"] = item.Currency,
        ["description"] = item.Name,
        ["price"] = new JsonObject
        {
            ["id"] = item.PriceId,
            ["object"] = "price",
            ["active"] = false,
            ["billing_scheme"] = "per_unit",
            ["created"] = WireJson.Unix(created),
            ["currency"] = item.Currency,
            ["custom_unit_amount"] = null,
            ["livemode"] = false,
            ["lookup_key"] = null,
            ["metadata"] = new JsonObject(),
            ["nickname"] = null,
            ["product"] = item.ProductId,
            ["recurring"] = null,
            ["tax_behavior"] = "unspecified",
            ["tiers_mode"] = null,
            ["transform_quantity"] = null,
            ["type"] = "one_time",
            ["unit_amount"] = item.UnitAmount,
            ["unit_amount_decimal"] = item.UnitAmount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        ["quantity"] = item.Quantity,
    };

    private static JsonObject CustomerDetails(string email) => new()
    {
        ["address"] = null,
        ["business_name"] = null,
        ["email"] = email,
        ["individual_name"] = null,
        ["name"] = null,
        ["phone"] = null,
        ["tax_exempt"] = "none",
        ["tax_ids"] = new JsonArray(),
    };

    /// <summary>The id, or with <c>expand[]=payment_intent</c> the object (and its charge with <c>payment_intent.latest_charge</c>).</summary>
    private static JsonNode? PaymentIntentField(CheckoutSession s, EmulatorState state, IReadOnlySet<string> expand)
    {
        if (s.PaymentIntentId is null)
        {
            return null;
        }

        var withCharge = expand.Contains("payment_intent.latest_charge");
        if (!withCharge && !expand.Contains("payment_intent"))
        {
            return JsonValue.Create(s.PaymentIntentId);
        }

        var pi = state.PaymentIntents[s.PaymentIntentId];
        var json = PaymentWire.PaymentIntent(pi);
        if (withCharge && pi.ChargeId is { } chargeId)
        {
            json["latest_charge"] = PaymentWire.Charge(state.Charges[chargeId]);
        }

        return json;
    }

    private static JsonObject PaymentMethodOptions(CheckoutSession s)
    {
        var options = new JsonObject();
        if (s.PaymentMethodTypes.Contains("konbini"))
        {
            options["konbini"] = new JsonObject { ["expires_after_days"] = s.KonbiniExpiresAfterDays };
        }

        if (s.PaymentMethodTypes.Contains("wechat_pay"))
        {
            options["wechat_pay"] = new JsonObject { ["app_id"] = null, ["client"] = s.WechatPayClient };
        }

        return options;
    }
}
