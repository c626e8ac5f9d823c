using EsimRenewal.Core.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Serilog.Core;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// The real portal (Program.cs) over a real PostgreSQL database. Environment "Testing": no demo data,
/// the production error pages. The clock is a <see cref="FakeTimeProvider"/> the test controls.
/// </summary>
public class PortalFactory(TestDatabase database, DateTimeOffset? startTime = null) : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset DefaultStartTime = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(startTime ?? DefaultStartTime);

    /// <summary>Every log event the portal writes, for tests that prove secrets never reach a log.</summary>
    public CapturingSink Logs { get; } = new();

    public TestDatabase Database => database;

    /// <summary>The voucher hashing secret of every test host (test-only; base64 of 37 bytes, at least 32 are required).</summary>
    public const string TestVoucherKey = "dGVzdC1vbmx5IHZvdWNoZXIga2V5IC0gbm90IGEgc2VjcmV0IQ==";

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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:" + EsimDatabase.ConnectionStringName, database.ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "false");
        builder.UseSetting("Seed:DemoData", "false");
        builder.UseSetting("Stripe:SecretKey", StripeSecretKey);
        builder.UseSetting("Stripe:WebhookSecret", StripeWebhookSecret);
        builder.UseSetting("Vouchers:CodeHashKey", TestVoucherKey);
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILogEventSink>(Logs);
        });
    }
}
