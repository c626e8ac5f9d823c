using EsimRenewal.Core.Vouchers;
using EsimRenewal.Web.Legal;
using EsimRenewal.Web.Payments;
using EsimRenewal.Web.Seeding;

namespace EsimRenewal.Web.Infrastructure;

/// <summary>
/// The settings that are safe on a developer's machine only. Outside Development (Staging, Production,
/// any other name) the portal refuses to start with any of them, before it touches the database, and
/// names all of them in one message so that one restart fixes them all. See docs/decisions/0019.
/// </summary>
public static class UnsafeSettings
{
    /// <summary>
    /// Values published in this repository (appsettings.Development.json, docker-compose.yml, the emulator's
    /// appsettings.json): anyone can read them, so no deployment may use them.
    /// </summary>
    public static readonly IReadOnlySet<string> PublishedStripeKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "sk_test_local_emulator_key_not_a_real_stripe_key",
        "sk_test_local_emulator_key",
    };

    /// <inheritdoc cref="PublishedStripeKeys"/>
    public static readonly IReadOnlySet<string> PublishedWebhookSecrets = new HashSet<string>(StringComparer.Ordinal)
    {
        "whsec_local_emulator_test_secret_do_not_use_in_production",
    };

    /// <summary>The development voucher key of appsettings.Development.json.</summary>
    public const string DevelopmentVoucherKey = "QdWjNdm4NNXw1GoyXQprGnFTsRpp+NBporrh4N8VC4A=";

    /// <summary>The demo admin's password (appsettings.Development.json, docker-compose.yml, README) and the other demo passwords.</summary>
    public static readonly IReadOnlySet<string> DemoPasswords = new HashSet<string>(StringComparer.Ordinal)
    {
        DemoData.AdminPassword, DemoData.StaffPassword, DemoData.TravellerPassword,
    };

    /// <summary>Fails fast, before anything is built, when the configuration is unsafe for this environment.</summary>
    public static void RefuseUnsafeSettings(this WebApplicationBuilder builder)
    {
        var problems = Find(builder.Configuration, builder.Environment);
        if (problems.Count > 0)
        {
            throw new UnsafeSettingsException(builder.Environment.EnvironmentName, problems);
        }
    }

    /// <summary>
    /// Every setting this environment must not start with, as "Setting: why". Malformed proxy and
    /// certificate settings are refused everywhere; the rest outside Development only.
    /// </summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration, IHostEnvironment environment)
    {
        var problems = new List<string>();
        problems.AddRange(TrustedProxies.Read(configuration).Problems);
        using (DataProtectionCertificate.Load(configuration, out var certificateProblem))
        {
            if (certificateProblem is not null)
            {
                problems.Add(certificateProblem);
            }
        }
        if (environment.IsDevelopment())
        {
            return problems;
        }

        if (!string.IsNullOrEmpty(configuration[CrashPoints.Setting]))
        {
            problems.Add($"{CrashPoints.Setting} is set: it makes the portal kill itself (crash-recovery tests only)");
        }
        if (bool.TryParse(configuration[$"{SeedOptions.Section}:{nameof(SeedOptions.DemoData)}"], out var demo) && demo)
        {
            problems.Add("Seed:DemoData is on: it seeds demo accounts whose passwords are published in this repository");
        }
        if (configuration[$"{SeedOptions.Section}:{nameof(SeedOptions.AdminPassword)}"] is { } adminPassword && DemoPasswords.Contains(adminPassword.Trim()))
        {
            problems.Add("Seed:AdminPassword is the demo password published in this repository");
        }

        var stripe = configuration.GetSection(StripeOptions.Section).Get<StripeOptions>() ?? new StripeOptions();
        if (stripe.UsesEmulator)
        {
            problems.Add($"Stripe:ApiBase points at {stripe.ApiHost ?? "an address"} instead of Stripe (the emulator pays anything): unset it");
        }
        if (PublishedStripeKeys.Contains(stripe.SecretKey.Trim()))
        {
            problems.Add("Stripe:SecretKey is the emulator's local key, published in this repository");
        }
        else if (environment.IsProduction() && stripe.TestMode)
        {
            problems.Add("Stripe:SecretKey is a test-mode key (sk_test_/rk_test_): Production takes a live key");
        }
        if (PublishedWebhookSecrets.Contains(stripe.WebhookSecret.Trim()))
        {
            problems.Add("Stripe:WebhookSecret is the emulator's secret, published in this repository: anyone could sign a \"paid\" event");
        }

        if (IsDevelopmentVoucherKey(configuration[$"{VoucherOptions.Section}:{nameof(VoucherOptions.CodeHashKey)}"]))
        {
            problems.Add("Vouchers:CodeHashKey is the development key published in this repository: anyone could forge voucher hashes");
        }

        var seller = configuration.GetSection(OperatorOptions.Section).Get<OperatorOptions>() ?? new OperatorOptions();
        problems.AddRange(seller.Problems().Select(setting => $"{setting} is empty or malformed (the legal pages and receipts show it)"));

        var allowedHosts = (configuration["AllowedHosts"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (allowedHosts.Length == 0 || allowedHosts.Contains("*"))
        {
            problems.Add("AllowedHosts is \"*\" or empty: list the portal's host names (e.g. shop.example.jp), separated by ';'");
        }

        if (Uri.TryCreate(configuration[$"{SiteOptions.Section}:{nameof(SiteOptions.PublicBaseUrl)}"], UriKind.Absolute, out var site) && site.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("Site:PublicBaseUrl is not https: links in emails would be sent over plain HTTP");
        }

        if (!DataProtectionCertificate.IsConfigured(configuration))
        {
            problems.Add($"{DataProtectionCertificate.PathKey} (or {DataProtectionCertificate.Base64Key}) is not set: "
                + "the keys behind every cookie would lie unencrypted in the database");
        }
        return problems;
    }

    private static bool IsDevelopmentVoucherKey(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return false;
        }
        var buffer = new byte[configured.Length];
        return Convert.TryFromBase64String(configured.Trim(), buffer, out var length)
            && buffer.AsSpan(0, length).SequenceEqual(Convert.FromBase64String(DevelopmentVoucherKey));
    }
}

/// <summary>The portal refused to start: every unsafe setting, named in one message.</summary>
public sealed class UnsafeSettingsException(string environmentName, IReadOnlyList<string> problems) : Exception(Describe(environmentName, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    private static string Describe(string environmentName, IReadOnlyList<string> problems) =>
        $"The portal refuses to start in the {environmentName} environment with {problems.Count} unsafe setting(s); fix them all, then start again:"
        + string.Concat(problems.Select(p => Environment.NewLine + "  - " + p));
}
