using EsimRenewal.Core.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Serilog.Core;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// The real portal (Program.cs) over a real PostgreSQL database. Environment "Development" by default
/// (the emulator, test keys and plain HTTP are refused anywhere else: see UnsafeSettings) with no demo
/// data and no seeded admin; <see cref="ProductionPortalFactory"/> is the production-like host. The
/// clock is a <see cref="FakeTimeProvider"/> the test controls.
/// </summary>
public class PortalFactory(TestDatabase database, DateTimeOffset? startTime = null) : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset DefaultStartTime = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(startTime ?? DefaultStartTime);

    /// <summary>Every log event the portal writes, for tests that prove secrets never reach a log.</summary>
    public CapturingSink Logs { get; } = new();

    /// <summary>The secrets posted to this host; none of them, nor any secret's shape, may be in <see cref="Logs"/>.</summary>
    public LogSecrets Secrets { get; } = new();

    public TestDatabase Database => database;

    /// <summary>The voucher hashing secret of every test host (test-only; base64 of 37 bytes, at least 32 are required).</summary>
    public const string TestVoucherKey = "dGVzdC1vbmx5IHZvdWNoZXIga2V5IC0gbm90IGEgc2VjcmV0IQ==";

    /// <summary>The seller every test host shows on legal pages and receipts (fictitious).</summary>
    public static readonly IReadOnlyDictionary<string, string> OperatorSettings = new Dictionary<string, string>
    {
        ["Operator:Name"] = "テスト通信株式会社",
        ["Operator:Representative"] = "試験 花子",
        ["Operator:Address"] = "〒100-0001 東京都千代田区試験町4-5-6",
        ["Operator:Phone"] = "03-1111-2222",
        ["Operator:Email"] = "help@shop.example",
        ["Operator:SupportHours"] = "9:00–17:00 JST",
        ["Operator:InvoiceRegistrationNumber"] = "T9876543210987",
    };

    /// <summary>The portal's address in emails of test hosts (tests follow links by their path).</summary>
    public const string PublicBaseUrl = "https://shop.test";

    /// <summary>
    /// The mail settings of every test host: SMTP on a closed port, so nothing is ever sent by accident
    /// (a send fails like an unreachable server). Tests that read mail point Email:Port at an SmtpCatcher.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> EmailSettings = new Dictionary<string, string>
    {
        ["Email:Host"] = "127.0.0.1",
        ["Email:Port"] = "9",
        ["Email:Security"] = "None",
        ["Email:FromAddress"] = "no-reply@shop.example",
        ["Email:FromName"] = "EsimRenewal (tests)",
        ["Email:Timeout"] = "00:00:30", // generous: a loaded CI machine can take seconds to answer
    };

    public const string StripeSecretKey = "sk_test_portal_tests_only";
    public const string StripeWebhookSecret = "whsec_portal_tests_only";

    /// <summary>
    /// Settings for this host. By default Stripe points at a closed port (tests that pay use the
    /// emulator) and the background workers are off, so tests drive them explicitly.
    /// </summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Stripe:ApiBase", "http://127.0.0.1:9"),
        new("Workers:Enabled", "false"),
    ];

    /// <summary>
    /// Whether the host keeps the system clock instead of <see cref="Clock"/>: for a journey with the background
    /// workers running, where a retry scheduled a few seconds later (a mail the SMTP server was slow to take)
    /// must come without the test moving time.
    /// </summary>
    protected virtual bool UsesSystemClock => false;

    /// <summary>The host's environment: Development unless a subclass says otherwise.</summary>
    protected virtual string EnvironmentName => "Development";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:" + EsimDatabase.ConnectionStringName, database.ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "false");
        builder.UseSetting("Seed:DemoData", "false");
        builder.UseSetting("Seed:AdminEmail", ""); // appsettings.Development.json seeds the demo admin; tests make their own
        builder.UseSetting("Seed:AdminPassword", "");
        builder.UseSetting("Stripe:SecretKey", StripeSecretKey);
        builder.UseSetting("Stripe:WebhookSecret", StripeWebhookSecret);
        builder.UseSetting("Vouchers:CodeHashKey", TestVoucherKey);
        builder.UseSetting("Site:PublicBaseUrl", PublicBaseUrl);
        // Tests change plans straight in the database and read the storefront right after; the output cache hears of
        // such a change a moment later (PostgreSQL's signal), so it is off here and on in the tests about it
        // (Storefront/OutputCacheTests) through Settings().
        builder.UseSetting("Performance:OutputCache", "false");
        foreach (var (key, value) in OperatorSettings.Concat(EmailSettings))
        {
            builder.UseSetting(key, value);
        }
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            if (!UsesSystemClock)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Clock);
            }
            services.AddSingleton<ILogEventSink>(Logs);
            services.AddSingleton(Secrets.Recorder());
        });
    }

    /// <summary>Stops the host, then fails its test class if anything it logged gives a secret away.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        var leaks = Secrets.FindIn(Logs.Lines);
        if (leaks.Count > 0)
        {
            throw new InvalidOperationException($"{leaks.Count} log lines give a secret away:\n" + string.Join("\n", leaks.Take(10)));
        }
    }
}
