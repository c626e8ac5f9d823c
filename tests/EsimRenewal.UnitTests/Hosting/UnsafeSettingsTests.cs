using System.Text.RegularExpressions;
using EsimRenewal.UnitTests.Localization;
using EsimRenewal.Web.Infrastructure;
using EsimRenewal.Web.Payments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace EsimRenewal.UnitTests.Hosting;

public sealed class UnsafeSettingsTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "EsimRenewal.Web";
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static string RepositoryFile(params string[] parts) => Path.Combine([SharedResourceFiles.RepositoryRoot, .. parts]);

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("https://api.stripe.com", false)]
    [InlineData("https://API.Stripe.com/", false)]
    [InlineData("http://127.0.0.1:12111", true)]
    [InlineData("http://stripe-emulator:12111", true)]
    [InlineData("http://api.stripe.com", true)]
    [InlineData("https://api.stripe.com:8443", true)]
    [InlineData("https://api.stripe.com.attacker.example", true)]
    [InlineData("https://attacker.example/api.stripe.com", true)]
    [InlineData("https://api.stripe.com@attacker.example", true)]
    [InlineData("https://user@api.stripe.com", true)]
    [InlineData("https://api.stripe.com/v1/proxy", true)]
    [InlineData("not a url api.stripe.com", true)]
    public void Only_stripes_own_api_is_not_the_emulator(string? apiBase, bool usesEmulator)
    {
        Assert.Equal(usesEmulator, new StripeOptions { ApiBase = apiBase }.UsesEmulator);
    }

    [Fact]
    public void The_development_settings_copied_to_a_staging_server_are_refused_on_every_count()
    {
        var development = new ConfigurationBuilder()
            .AddJsonFile(RepositoryFile("src", "EsimRenewal.Web", "appsettings.json"))
            .AddJsonFile(RepositoryFile("src", "EsimRenewal.Web", "appsettings.Development.json"))
            .Build();

        var problems = UnsafeSettings.Find(development, new Environment("Staging"));

        string[] expected =
        [
            "Seed:DemoData", "Seed:AdminPassword", "Stripe:ApiBase", "Stripe:SecretKey", "Stripe:WebhookSecret",
            "Vouchers:CodeHashKey", "AllowedHosts", "Site:PublicBaseUrl", "DataProtection:CertificatePath",
        ];
        Assert.All(expected, setting => Assert.Contains(problems, p => p.StartsWith(setting, StringComparison.Ordinal)));
        Assert.Empty(UnsafeSettings.Find(development, new Environment("Development")));
    }

    [Fact]
    public void Every_secret_published_in_compose_and_the_emulators_settings_is_known_as_published()
    {
        var compose = File.ReadAllText(RepositoryFile("docker-compose.yml"));
        string Compose(string variable) => Regex.Match(compose, $@"^\s*{variable}:\s*(\S+)\s*$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException($"{variable} is not in docker-compose.yml");
        var emulator = new ConfigurationBuilder().AddJsonFile(RepositoryFile("src", "EsimRenewal.StripeEmulator", "appsettings.json")).Build();

        Assert.Contains(Compose("Stripe__SecretKey"), UnsafeSettings.PublishedStripeKeys);
        Assert.Contains(Compose("Emulator__SecretKey"), UnsafeSettings.PublishedStripeKeys);
        Assert.Contains(emulator["Emulator:SecretKey"]!, UnsafeSettings.PublishedStripeKeys);
        Assert.Contains(Compose("Stripe__WebhookSecret"), UnsafeSettings.PublishedWebhookSecrets);
        Assert.Contains(Compose("Emulator__WebhookSecret"), UnsafeSettings.PublishedWebhookSecrets);
        Assert.Contains(emulator["Emulator:WebhookSecret"]!, UnsafeSettings.PublishedWebhookSecrets);
        Assert.Contains(Compose("Seed__AdminPassword"), UnsafeSettings.DemoPasswords);
    }

    [Theory]
    [InlineData("Staging", false)]
    [InlineData("Production", true)]
    public void Stripe_test_mode_is_for_staging_not_production(string environment, bool refused)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Stripe:SecretKey"] = "sk_test_51HxYzStaging",
        }).Build();

        var problems = UnsafeSettings.Find(settings, new Environment(environment));

        Assert.Equal(refused, problems.Any(p => p.StartsWith("Stripe:SecretKey is a test-mode key", StringComparison.Ordinal)));
    }
}
