namespace EsimRenewal.StripeEmulator;

/// <summary>
/// Settings of the emulator, bound from the configuration section <c>Emulator</c>.
/// </summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>The API version that Stripe.net 53.1.0 pins; every event carries it.</summary>
    public const string DefaultApiVersion = "2026-10-28.endive";

    /// <summary>
    /// Base address used for the hosted checkout page in a session's <c>url</c>.
    /// Empty: derived from the request that created the session (scheme and host).
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The emulator's one secret key (<c>sk_test_…</c>): the only key the /v1 API and the /_emulator controls accept.</summary>
    public string SecretKey { get; set; } = DefaultSecretKey;

    /// <summary>The local development key, also in the portal's appsettings.Development.json (public, like this repository).</summary>
    public const string DefaultSecretKey = "sk_test_local_emulator_key_not_a_real_stripe_key";

    /// <summary>Where events are POSTed. Empty: events are stored but not delivered.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The endpoint's signing secret (<c>whsec_…</c>); the whole string is the HMAC key.</summary>
    public string WebhookSecret { get; set; } = "whsec_local_emulator_test_secret_do_not_use_in_production";

    /// <summary>The <c>api_version</c> written into every event.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Delay before the first retry of a failed delivery; doubles with each further attempt.</summary>
    public TimeSpan WebhookRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Upper bound of the delay between two attempts.</summary>
    public TimeSpan WebhookRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts per delivery, the first included.</summary>
    public int WebhookMaxAttempts { get; set; } = 8;

    /// <summary>How long one delivery attempt may take.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A session's lifetime when the request gives no <c>expires_at</c> (Stripe: 24 hours).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often sessions past <c>expires_at</c> and konbini vouchers past their deadline are swept.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(5);
}
