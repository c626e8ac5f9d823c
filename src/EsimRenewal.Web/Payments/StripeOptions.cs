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

    public bool UsesEmulator => !string.IsNullOrWhiteSpace(ApiBase) && !ApiBase.Contains("api.stripe.com", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Refuses to start without keys, and in Production with test keys or the emulator.</summary>
internal sealed class StripeOptionsValidator(IHostEnvironment environment) : IValidateOptions<StripeOptions>
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
        if (environment.IsProduction())
        {
            if (options.SecretKey.Contains("_test_", StringComparison.Ordinal))
            {
                failures.Add("Production refuses Stripe test keys.");
            }
            if (options.UsesEmulator)
            {
                failures.Add("Production refuses the Stripe emulator: unset Stripe:ApiBase.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
