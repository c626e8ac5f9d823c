using Microsoft.Extensions.Options;

namespace EsimRenewal.Web.Payments;

/// <summary>
/// Where payments go: real Stripe (ApiBase unset) or the local emulator (ApiBase = its address).
/// Bound from the <c>Stripe</c> section and validated at start-up.
/// </summary>
public sealed class StripeOptions
{
    public const string Section = "Stripe";

    public string SecretKey { get; set; } = "";
    public string WebhookSecret { get; set; } = "";

    /// <summary>The emulator's address, e.g. http://127.0.0.1:12111; unset for api.stripe.com.</summary>
    public string? ApiBase { get; set; }

    /// <summary>
    /// True unless <see cref="ApiBase"/> is unset or exactly Stripe's API (https, host api.stripe.com, default
    /// port). The host is parsed, not searched for: "https://api.stripe.com.example.net" is not Stripe.
    /// </summary>
    public bool UsesEmulator => !string.IsNullOrWhiteSpace(ApiBase) && !IsStripeApi(ApiBase);

    /// <summary>A live-mode key (<c>sk_live_</c>, <c>rk_live_</c>): events must then say <c>livemode: true</c>.</summary>
    public bool LiveMode => SecretKey.StartsWith("sk_live_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_live_", StringComparison.Ordinal);

    /// <summary>A test-mode key (<c>sk_test_</c>, <c>rk_test_</c>).</summary>
    public bool TestMode => SecretKey.StartsWith("sk_test_", StringComparison.Ordinal) || SecretKey.StartsWith("rk_test_", StringComparison.Ordinal);

    /// <summary>The host that <see cref="ApiBase"/> names, for messages.</summary>
    public string? ApiHost => Uri.TryCreate(ApiBase?.Trim(), UriKind.Absolute, out var uri) ? uri.Host : null;

    private static bool IsStripeApi(string apiBase) =>
        Uri.TryCreate(apiBase.Trim(), UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttps
        && uri.IsDefaultPort
        && string.IsNullOrEmpty(uri.UserInfo)
        && uri.IdnHost.Equals("api.stripe.com", StringComparison.OrdinalIgnoreCase)
        && uri.AbsolutePath == "/";
}

/// <summary>Refuses to start without well-formed keys. What is unsafe outside Development is <see cref="Infrastructure.UnsafeSettings"/>'s.</summary>
internal sealed class StripeOptionsValidator : IValidateOptions<StripeOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeOptions options)
    {
        var failures = new List<string>();
        if (!(options.SecretKey.StartsWith("sk_", StringComparison.Ordinal) || options.SecretKey.StartsWith("rk_", StringComparison.Ordinal)))
        {
            failures.Add("Stripe:SecretKey must be a Stripe secret key (sk_… or rk_…).");
        }
        if (!options.WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            failures.Add("Stripe:WebhookSecret must be the webhook endpoint's signing secret (whsec_…).");
        }
        if (options.ApiBase is { Length: > 0 } apiBase && !Uri.TryCreate(apiBase, UriKind.Absolute, out _))
        {
            failures.Add("Stripe:ApiBase must be an absolute URL.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
