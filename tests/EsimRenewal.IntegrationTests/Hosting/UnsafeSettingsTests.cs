using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace EsimRenewal.IntegrationTests.Hosting;

/// <summary>
/// Outside Development the portal refuses the settings that are only safe on a developer's machine,
/// before it touches the database (these hosts point at a closed port: reaching the database would fail
/// differently), naming every one in a single message.
/// </summary>
public sealed class UnsafeSettingsTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Unreachable = "Host=127.0.0.1;Port=9;Database=none;Username=nobody;Timeout=2";
    private static readonly TestCertificate Certificate = TestCertificate.Create();

    private UnsafeSettingsException Refusal(IReadOnlyDictionary<string, string> settings, string environment = "Staging")
    {
        using var factory = new ProductionPortalFactory(portal.Database, Certificate, environment).WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Esim", Unreachable);
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        return error as UnsafeSettingsException ?? error.InnerException as UnsafeSettingsException
            ?? throw new Xunit.Sdk.XunitException($"Expected the unsafe settings to be refused before anything else, got {error}");
    }

    private UnsafeSettingsException Refusal(string key, string value, string environment = "Staging") =>
        Refusal(new Dictionary<string, string> { [key] = value }, environment);

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    [InlineData("Testing")]
    [InlineData("demo")]
    public void Demo_data_is_refused_in_every_environment_but_development(string environment)
    {
        var refusal = Refusal("Seed:DemoData", "true", environment);

        Assert.Contains($"in the {environment} environment", refusal.Message);
        Assert.Single(refusal.Problems, p => p.StartsWith("Seed:DemoData", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Staging")]
    [InlineData("Production")]
    public void The_crash_recovery_switch_is_refused_outside_development(string environment)
    {
        var refusal = Refusal(CrashPoints.Setting, nameof(CrashPoint.WebhookReceived), environment);

        Assert.Single(refusal.Problems, p => p.StartsWith(CrashPoints.Setting, StringComparison.Ordinal));
    }

    [Fact]
    public void The_demo_admin_password_from_the_repository_is_refused()
    {
        var refusal = Refusal(new Dictionary<string, string> { ["Seed:AdminEmail"] = "ops@shop.test", ["Seed:AdminPassword"] = "Admin-demo-2026" });

        Assert.Single(refusal.Problems, p => p.StartsWith("Seed:AdminPassword", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:12111")]
    [InlineData("http://stripe-emulator:12111")]
    [InlineData("https://api.stripe.com.attacker.example")]
    [InlineData("https://attacker.example/api.stripe.com")]
    [InlineData("http://api.stripe.com")]
    public void The_emulators_address_or_anything_but_stripes_own_api_is_refused(string apiBase)
    {
        var refusal = Refusal("Stripe:ApiBase", apiBase);

        Assert.Single(refusal.Problems, p => p.StartsWith("Stripe:ApiBase", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sk_test_local_emulator_key_not_a_real_stripe_key")]
    [InlineData("sk_test_local_emulator_key")]
    public void The_emulators_published_key_is_refused_even_in_staging(string key)
    {
        var refusal = Refusal("Stripe:SecretKey", key);

        Assert.Single(refusal.Problems, p => p.StartsWith("Stripe:SecretKey is the emulator's", StringComparison.Ordinal));
    }

    [Fact]
    public void The_emulators_published_webhook_secret_is_refused()
    {
        var refusal = Refusal("Stripe:WebhookSecret", "whsec_local_emulator_test_secret_do_not_use_in_production");

        Assert.Single(refusal.Problems, p => p.StartsWith("Stripe:WebhookSecret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sk_test_51HxYzStagingAccountKey")]
    [InlineData("rk_test_51HxYzStagingRestricted")]
    public void Production_refuses_stripe_test_keys(string key)
    {
        var refusal = Refusal("Stripe:SecretKey", key, "Production");

        Assert.Single(refusal.Problems, p => p.StartsWith("Stripe:SecretKey is a test-mode key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staging_may_use_stripe_test_mode()
    {
        await using var factory = new ProductionPortalFactory(portal.Database, Certificate, "Staging")
            .WithWebHostBuilder(b => b.UseSetting("Stripe:SecretKey", "sk_test_51HxYzStagingAccountKey"));

        var response = await factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void The_development_voucher_key_is_refused()
    {
        var refusal = Refusal("Vouchers:CodeHashKey", " QdWjNdm4NNXw1GoyXQprGnFTsRpp+NBporrh4N8VC4A= ");

        Assert.Single(refusal.Problems, p => p.StartsWith("Vouchers:CodeHashKey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Operator:Name")]
    [InlineData("Operator:Representative")]
    [InlineData("Operator:Address")]
    [InlineData("Operator:Phone")]
    [InlineData("Operator:Email")]
    [InlineData("Operator:InvoiceRegistrationNumber")]
    public void An_empty_operator_setting_is_refused(string setting)
    {
        var refusal = Refusal(setting, " ");

        Assert.Single(refusal.Problems, p => p.StartsWith(setting + " is empty", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("shop.test;*")]
    [InlineData("")]
    public void Allowed_hosts_of_star_or_nothing_are_refused(string allowedHosts)
    {
        var refusal = Refusal("AllowedHosts", allowedHosts);

        Assert.Single(refusal.Problems, p => p.StartsWith("AllowedHosts", StringComparison.Ordinal));
    }

    [Fact]
    public void A_public_address_over_plain_http_is_refused()
    {
        var refusal = Refusal("Site:PublicBaseUrl", "http://shop.test");

        Assert.Single(refusal.Problems, p => p.StartsWith("Site:PublicBaseUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void No_certificate_for_the_data_protection_keys_is_refused()
    {
        var refusal = Refusal("DataProtection:CertificateBase64", "");

        Assert.Single(refusal.Problems, p => p.StartsWith("DataProtection:CertificatePath (or DataProtection:CertificateBase64) is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void A_certificate_with_the_wrong_password_is_refused_without_showing_the_password()
    {
        var refusal = Refusal("DataProtection:CertificatePassword", "not-the-password-5150");

        Assert.Single(refusal.Problems, p => p.StartsWith("DataProtection:CertificateBase64 is not a readable", StringComparison.Ordinal));
        Assert.DoesNotContain("not-the-password-5150", refusal.Message);
        Assert.DoesNotContain(Certificate.Base64Pfx[..40], refusal.Message);
    }

    [Fact]
    public void A_malformed_proxy_address_is_refused_even_in_development()
    {
        using var factory = portal.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Esim", Unreachable);
            b.UseSetting("ForwardedHeaders:KnownProxies", "10.0.0.1,proxy.internal");
            b.UseSetting("ForwardedHeaders:KnownNetworks", "10.0.0.0/33");
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        var refusal = error as UnsafeSettingsException ?? error.InnerException as UnsafeSettingsException;
        Assert.NotNull(refusal);
        Assert.Equal(2, refusal.Problems.Count);
        Assert.Contains("'proxy.internal' is not an IP address", refusal.Message);
        Assert.Contains("'10.0.0.0/33'", refusal.Message);
    }

    [Fact]
    public void Every_unsafe_setting_is_named_in_one_message()
    {
        var refusal = Refusal(new Dictionary<string, string>
        {
            ["Seed:DemoData"] = "true",
            ["Seed:AdminEmail"] = "admin@example.com",
            ["Seed:AdminPassword"] = "Admin-demo-2026",
            ["Stripe:ApiBase"] = "http://127.0.0.1:12111",
            ["Stripe:SecretKey"] = "sk_test_local_emulator_key_not_a_real_stripe_key",
            ["Stripe:WebhookSecret"] = "whsec_local_emulator_test_secret_do_not_use_in_production",
            ["Vouchers:CodeHashKey"] = "QdWjNdm4NNXw1GoyXQprGnFTsRpp+NBporrh4N8VC4A=",
            ["Operator:Name"] = "",
            ["AllowedHosts"] = "*",
            ["Site:PublicBaseUrl"] = "http://shop.test",
            ["DataProtection:CertificateBase64"] = "",
            [CrashPoints.Setting] = nameof(CrashPoint.AfterCarrierCall),
        });

        string[] settings =
        [
            "Seed:DemoData", "Seed:AdminPassword", "Stripe:ApiBase", "Stripe:SecretKey", "Stripe:WebhookSecret", "Vouchers:CodeHashKey",
            "Operator:Name", "AllowedHosts", "Site:PublicBaseUrl", "DataProtection:CertificatePath", CrashPoints.Setting,
        ];
        Assert.Equal(settings.Length, refusal.Problems.Count);
        Assert.All(settings, setting => Assert.Contains("  - " + setting, refusal.Message));
    }

    [Fact]
    public void Development_accepts_the_development_settings()
    {
        // appsettings.Development.json itself: the emulator, its keys, the development voucher key, demo data.
        using var factory = portal.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("Stripe:SecretKey", "sk_test_local_emulator_key_not_a_real_stripe_key");
            b.UseSetting("Stripe:WebhookSecret", "whsec_local_emulator_test_secret_do_not_use_in_production");
            b.UseSetting("Vouchers:CodeHashKey", "QdWjNdm4NNXw1GoyXQprGnFTsRpp+NBporrh4N8VC4A=");
        });

        Assert.NotNull(factory.Server);
    }

    [Fact]
    public void A_missing_webhook_secret_fails_at_boot_not_at_checkout()
    {
        using var factory = portal.Factory.WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Esim", Unreachable); // validated before the database is reached
            b.UseSetting("Stripe:WebhookSecret", "");
        });

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        var validation = error as OptionsValidationException ?? error.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains("Stripe:WebhookSecret", validation.Message);
    }
}
