using System.Collections.Frozen;
using EsimRenewal.StripeEmulator.Infrastructure;

namespace EsimRenewal.StripeEmulator.Sessions;

public sealed record NewLineItem(string Name, string? Description, string Currency, long UnitAmount, long Quantity);

/// <summary>A validated <c>POST /v1/checkout/sessions</c>.</summary>
public sealed record NewSession(
    IReadOnlyList<NewLineItem> LineItems,
    string Currency,
    string SuccessUrl,
    string? CancelUrl,
    string? CustomerEmail,
    string? ClientReferenceId,
    IReadOnlyDictionary<string, string> Metadata,
    string? Locale,
    IReadOnlyList<string> PaymentMethodTypes,
    IReadOnlyList<string>? AllowedPaymentMethodTypes,
    string? WechatPayClient,
    long? KonbiniExpiresAfterDays,
    DateTimeOffset? ExpiresAt,
    IReadOnlySet<string> Expand);

/// <summary>
/// Reads and checks the create-session parameters the way Stripe does at the pinned API version
/// (2026-10-28.endive): the same error type, code, param and (close to) the same message for the
/// mistakes an integration makes. Parameters Stripe knows but the emulator does not model are accepted
/// and ignored (listed in the README). Since 2026-09-30.endive Stripe has no <c>payment_method_types</c>
/// parameter on create (it is refused as unknown); <c>allowed_payment_method_types</c> filters the
/// account's eligible methods instead, and the result is the session's <c>payment_method_types</c>.
/// </summary>
public static class NewSessionReader
{
    /// <summary>The payment methods activated on the emulated Japanese account, in the order Checkout shows them.</summary>
    public static readonly IReadOnlyList<string> ActivatedPaymentMethods = ["card", "alipay", "wechat_pay", "paypay", "konbini"];

    private static readonly FrozenSet<string> JpyOnlyPaymentMethods = FrozenSet.ToFrozenSet(["konbini", "paypay"]);

    /// <summary>Payment method types Stripe knows that this account has not activated.</summary>
    private static readonly FrozenSet<string> OtherStripePaymentMethods = FrozenSet.ToFrozenSet(
    [
        "acss_debit", "affirm", "afterpay_clearpay", "alma", "amazon_pay", "au_becs_debit", "bacs_debit", "bancontact",
        "billie", "bizum", "blik", "boleto", "cashapp", "crypto", "customer_balance", "eps", "fpx", "giropay", "grabpay",
        "ideal", "kakao_pay", "klarna", "kr_card", "link", "mb_way", "mobilepay", "multibanco", "naver_pay",
        "nz_bank_account", "oxxo", "p24", "pay_by_bank", "payco", "paynow", "paypal", "payto", "pix", "promptpay",
        "revolut_pay", "samsung_pay", "satispay", "scalapay", "sepa_debit", "sequra", "sofort", "sunbit", "swish", "twint",
        "upi", "us_bank_account", "zip",
    ]);

    private static readonly string[] Locales =
    [
        "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu",
        "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th",
        "tr", "vi", "zh", "zh-HK", "zh-TW",
    ];

    private static readonly FrozenSet<string> KnownParameters = FrozenSet.ToFrozenSet(
    [
        "adaptive_pricing", "after_expiration", "allow_promotion_codes", "allowed_payment_method_types", "automatic_tax",
        "billing_address_collection",
        "branding_settings", "cancel_url", "client_reference_id", "consent_collection", "currency", "custom_fields",
        "custom_text", "customer", "customer_account", "customer_creation", "customer_email", "customer_update",
        "discounts", "excluded_payment_method_types", "expand", "expires_at", "integration_identifier", "invoice_creation",
        "line_items", "locale", "managed_payments", "metadata", "mode", "name_collection", "optional_items", "origin_context",
        "payment_intent_data", "payment_method_collection", "payment_method_configuration", "payment_method_data",
        "payment_method_options", "permissions", "phone_number_collection", "redirect_on_completion", "return_url",
        "saved_payment_method_options", "setup_intent_data", "shipping_address_collection", "shipping_options",
        "submit_type", "subscription_data", "success_url", "tax_id_collection", "ui_mode", "wallet_options",
    ]);

    public static readonly FrozenSet<string> Expandable = FrozenSet.ToFrozenSet(["line_items", "payment_intent", "payment_intent.latest_charge"]);

    public static NewSession Read(FormNode p, DateTimeOffset now)
    {
        foreach (var key in p.Keys)
        {
            if (!KnownParameters.Contains(key))
            {
                throw StripeApiException.Unknown(key);
            }
        }

        ReadMode(p);
        var lineItems = ReadLineItems(p);
        var currency = lineItems[0].Currency;
        CheckTotal(lineItems, currency);

        var successUrl = ReadUrl(p, "success_url") ?? throw StripeApiException.Missing("success_url");
        var (wechatPayClient, konbiniDays) = ReadPaymentMethodOptions(p);
        var allowed = p["allowed_payment_method_types"] is null ? null : ReadTypes(p, "allowed_payment_method_types");
        var paymentMethodTypes = PaymentMethodTypes(p, allowed, currency, wechatPayClient);

        return new NewSession(
            lineItems,
            currency,
            successUrl,
            ReadUrl(p, "cancel_url"),
            ReadEmail(p),
            ReadClientReferenceId(p),
            ReadMetadata(p),
            ReadLocale(p),
            paymentMethodTypes,
            allowed,
            wechatPayClient,
            konbiniDays,
            ReadExpiresAt(p, now),
            ReadExpand(p, prefix: string.Empty));
    }

    /// <summary>The <c>expand[]</c> of a session request; list requests expand <c>data.…</c>.</summary>
    public static IReadOnlySet<string> ReadExpand(FormNode p, string prefix)
    {
        var expand = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in p.StringList("expand"))
        {
            var field = path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path;
            if (!Expandable.Contains(field))
            {
                throw StripeApiException.Invalid($"This property cannot be expanded ({path}).", "expand");
            }

            expand.Add(field);
        }

        return expand;
    }

    private static void ReadMode(FormNode p)
    {
        var mode = p.RequiredString("mode");
        if (mode is not ("payment" or "setup" or "subscription"))
        {
            throw StripeApiException.Invalid("Invalid mode: must be one of payment, setup, or subscription", "mode");
        }

        if (mode != "payment")
        {
            throw StripeApiException.Invalid($"The Stripe emulator supports only mode=payment, not {mode}.", "mode");
        }

        if (p.OptionalString("ui_mode") is { } uiMode and not "hosted")
        {
            throw StripeApiException.Invalid($"The Stripe emulator supports only ui_mode=hosted, not {uiMode}.", "ui_mode");
        }
    }

    private static List<NewLineItem> ReadLineItems(FormNode p)
    {
        var nodes = p.List("line_items");
        if (nodes.Count == 0)
        {
            throw StripeApiException.Missing("line_items");
        }

        if (nodes.Count > 100)
        {
            throw StripeApiException.Invalid("Checkout supports at most 100 line items.", "line_items");
        }

        var items = nodes.Select(ReadLineItem).ToList();
        if (items.Select(item => item.Currency).Distinct().Count() > 1)
        {
            throw StripeApiException.Invalid(
                "Checkout does not support multiple currencies. All line items must be in the same currency.", "line_items");
        }

        return items;
    }

    private static NewLineItem ReadLineItem(FormNode item)
    {
        if (!item.IsMap)
        {
            throw StripeApiException.Invalid("Invalid hash", item.Path);
        }

        if (item.OptionalString("price") is { } priceId)
        {
            throw StripeApiException.NoSuchParam("price", priceId, item.ChildPath("price"));
        }

        var priceData = item.OptionalMap("price_data") ?? throw StripeApiException.Missing(item.ChildPath("price_data"));
        var currency = ReadCurrency(priceData);
        if (priceData.OptionalString("product") is { } productId)
        {
            throw StripeApiException.NoSuchParam("product", productId, priceData.ChildPath("product"));
        }

        var productData = priceData.OptionalMap("product_data") ?? throw StripeApiException.Missing(priceData.ChildPath("product_data"));
        var name = productData.RequiredString("name");

        var unitAmount = priceData.OptionalInteger("unit_amount", minimum: 0);
        if (unitAmount is null && priceData.OptionalString("unit_amount_decimal") is not null)
        {
            throw StripeApiException.Invalid(
                "The Stripe emulator does not support unit_amount_decimal; send unit_amount.", priceData.ChildPath("unit_amount_decimal"));
        }

        var quantity = item.RequiredInteger("quantity", minimum: 1);
        return new NewLineItem(
            name,
            productData.OptionalString("description"),
            currency,
            unitAmount ?? throw StripeApiException.Missing(priceData.ChildPath("unit_amount")),
            quantity);
    }

    private static string ReadCurrency(FormNode priceData)
    {
        var currency = priceData.RequiredString("currency").ToLowerInvariant();
        if (!Money.Supported.Contains(currency))
        {
            throw StripeApiException.Invalid(
                $"Invalid currency: {currency}. Stripe currently supports these currencies: {string.Join(", ", Money.Supported.Order())}",
                priceData.ChildPath("currency"));
        }

        return currency;
    }

    private static void CheckTotal(List<NewLineItem> items, string currency)
    {
        var total = items.Sum(item => (decimal)item.UnitAmount * item.Quantity);
        if (total > Money.Maximum)
        {
            throw StripeApiException.Invalid(
                $"The Checkout Session's total amount due must be no more than {Money.Format(Money.Maximum, currency)}.",
                "line_items",
                "amount_too_large");
        }

        if (currency == "jpy" && total < Money.MinimumJpy)
        {
            throw StripeApiException.Invalid(
                $"The Checkout Session's total amount due must add up to at least {Money.Format(Money.MinimumJpy, currency)}.",
                "line_items",
                "amount_too_small");
        }
    }

    private static string? ReadUrl(FormNode p, string key)
    {
        var url = p.OptionalString(key);
        if (url is null)
        {
            return null;
        }

        // Stripe accepts the {CHECKOUT_SESSION_ID} template in success_url.
        var candidate = url.Replace("{CHECKOUT_SESSION_ID}", "cs", StringComparison.Ordinal);
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw StripeApiException.Invalid("Not a valid URL", key, "url_invalid");
        }

        return url;
    }

    private static string? ReadEmail(FormNode p)
    {
        var email = p.OptionalString("customer_email");
        if (email is null)
        {
            return null;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == email.Length - 1 || email.Any(char.IsWhiteSpace) || email.Length > 512)
        {
            throw StripeApiException.Invalid($"Invalid email address: {email}", "customer_email", "email_invalid");
        }

        return email;
    }

    private static string? ReadClientReferenceId(FormNode p)
    {
        var id = p.OptionalString("client_reference_id");
        if (id is { Length: > 200 })
        {
            throw StripeApiException.Invalid("Invalid string: must be at most 200 characters", "client_reference_id");
        }

        return id;
    }

    private static IReadOnlyDictionary<string, string> ReadMetadata(FormNode p)
    {
        var metadata = p.StringMap("metadata");
        if (metadata.Count > 50)
        {
            throw StripeApiException.Invalid("Metadata can have at most 50 keys.", "metadata");
        }

        foreach (var (key, value) in metadata)
        {
            if (key.Length > 40)
            {
                throw StripeApiException.Invalid("Metadata keys can have at most 40 characters.", $"metadata[{key}]");
            }

            if (value.Length > 500)
            {
                throw StripeApiException.Invalid("Metadata values can have at most 500 characters.", $"metadata[{key}]");
            }
        }

        return metadata;
    }

    private static string? ReadLocale(FormNode p)
    {
        var locale = p.OptionalString("locale");
        if (locale is not null && !Locales.Contains(locale, StringComparer.Ordinal))
        {
            throw StripeApiException.Invalid($"Invalid locale: must be one of {string.Join(", ", Locales)}", "locale");
        }

        return locale;
    }

    /// <summary>Stripe's payment method types, each known to Stripe (an unknown one is an invalid enum value).</summary>
    private static List<string> ReadTypes(FormNode p, string key)
    {
        var types = p.StringList(key);
        for (var i = 0; i < types.Count; i++)
        {
            if (!ActivatedPaymentMethods.Contains(types[i]) && !OtherStripePaymentMethods.Contains(types[i]))
            {
                var allowed = string.Join(", ", ActivatedPaymentMethods.Concat(OtherStripePaymentMethods).Order());
                throw StripeApiException.Invalid($"Invalid {key}[{i}]: must be one of {allowed}", $"{key}[{i}]");
            }
        }

        return types.Distinct().ToList();
    }

    /// <summary>
    /// The methods the session offers: the account's activated methods that suit the currency (konbini and
    /// PayPay take only yen; WeChat Pay needs its client option), narrowed by
    /// <c>allowed_payment_method_types</c> or <c>excluded_payment_method_types</c>.
    /// </summary>
    private static List<string> PaymentMethodTypes(FormNode p, List<string>? allowed, string currency, string? wechatPayClient)
    {
        var excluded = p["excluded_payment_method_types"] is null ? null : ReadTypes(p, "excluded_payment_method_types");
        if (allowed is not null && excluded is not null)
        {
            throw StripeApiException.Invalid(
                "You may only specify one of these parameters: allowed_payment_method_types, excluded_payment_method_types.",
                "allowed_payment_method_types");
        }

        if (allowed?.Contains("wechat_pay") == true && wechatPayClient is null)
        {
            throw StripeApiException.Missing("payment_method_options[wechat_pay][client]");
        }

        var eligible = ActivatedPaymentMethods
            .Where(type => currency == "jpy" || !JpyOnlyPaymentMethods.Contains(type))
            .Where(type => type != "wechat_pay" || wechatPayClient is not null)
            .ToList();
        var offered = allowed is not null
            ? allowed.Where(eligible.Contains).ToList()
            : eligible.Where(type => excluded?.Contains(type) != true).ToList();

        if (offered.Count == 0)
        {
            throw StripeApiException.Invalid(
                "None of the provided payment method types can be used for this Checkout Session. Please ensure the provided types " +
                "are activated in your dashboard (https://dashboard.stripe.com/account/payments/settings) and support the " +
                $"currency {currency}.",
                allowed is not null ? "allowed_payment_method_types" : "excluded_payment_method_types",
                "payment_method_unactivated");
        }

        return offered;
    }

    private static (string? WechatPayClient, long? KonbiniDays) ReadPaymentMethodOptions(FormNode p)
    {
        var options = p.OptionalMap("payment_method_options");
        var wechatPay = options?.OptionalMap("wechat_pay");
        var client = wechatPay?.OptionalString("client");
        if (client is not null && client is not ("web" or "ios" or "android"))
        {
            throw StripeApiException.Invalid("Invalid client: must be one of android, ios, or web", wechatPay!.ChildPath("client"));
        }

        var konbini = options?.OptionalMap("konbini");
        var days = konbini?.OptionalInteger("expires_after_days", minimum: 1);
        if (days > 60)
        {
            throw StripeApiException.Invalid(
                "This value must be less than or equal to 60.", konbini!.ChildPath("expires_after_days"), "parameter_invalid_integer");
        }

        return (client, days);
    }

    private static DateTimeOffset? ReadExpiresAt(FormNode p, DateTimeOffset now)
    {
        if (p.OptionalInteger("expires_at") is not { } unix)
        {
            return null;
        }

        if (unix is < 0 or > 253_402_300_799)
        {
            throw StripeApiException.Invalid("Invalid timestamp: must be a Unix timestamp in seconds.", "expires_at");
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(unix);
        if (expiresAt < now.AddMinutes(30).AddSeconds(-60))
        {
            throw StripeApiException.Invalid(
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.", "expires_at");
        }

        if (expiresAt > now.AddHours(24).AddSeconds(60))
        {
            throw StripeApiException.Invalid(
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.", "expires_at");
        }

        return expiresAt;
    }
}
