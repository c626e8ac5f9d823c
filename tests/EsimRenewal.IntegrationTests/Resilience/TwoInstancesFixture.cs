using System.Collections.Concurrent;
using System.Net;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>
/// Counts every call the carrier receives, per request id, across every instance, before handing it to
/// the simulated carrier (which itself records a repeated request once and so would hide a repeat).
/// </summary>
public sealed class CarrierCallLog
{
    public ConcurrentDictionary<string, int> Calls { get; } = new();
}

internal sealed class CountingCarrier(SimulatedCarrierGateway inner, CarrierCallLog log) : ICarrierGateway
{
    public async Task ApplyValidityAsync(SimValidityChanged change, CancellationToken ct = default)
    {
        await Task.Delay(1, ct); // a network call takes time; lets the two instances interleave
        log.Calls.AddOrUpdate(change.RequestId, 1, (_, n) => n + 1);
        await inner.ApplyValidityAsync(change, ct);
    }
}

/// <summary>Every email either instance sends (instead of SMTP), in the order they were handed over.</summary>
public sealed class SentEmails : IEmailSender
{
    public ConcurrentQueue<EmailMessage> Messages { get; } = new();

    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        await Task.Delay(1, ct); // an SMTP round trip takes time; lets the two instances interleave
        Messages.Enqueue(message);
    }
}

/// <summary>
/// One portal instance on real Kestrel, Stripe.net pointed at the emulator. Its background workers are
/// off (tests run the passes) unless <paramref name="workersRunning"/>: then every worker runs, ticking
/// a few times a second.
/// </summary>
public sealed class InstancePortalFactory(TestDatabase database, string stripeApiBase, CarrierCallLog carrierLog, SentEmails emails, bool workersRunning = false, bool outputCache = false)
    : PortalFactory(database, DateTimeOffset.UtcNow)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Stripe:ApiBase", stripeApiBase),
        new("Workers:Enabled", workersRunning ? "true" : "false"),
        new("Workers:OutboxInterval", "00:00:00.2"),
        new("Workers:EmailInterval", "00:00:00.2"),
        new("Workers:ReminderInterval", "00:00:00.3"),
        new("Workers:ReconcileInterval", "00:00:00.3"),
        new("Vouchers:GenerateInBackground", workersRunning ? "true" : "false"),
        new("Vouchers:GenerationChunkSize", "100"),
        new("Performance:OutputCache", outputCache ? "true" : "false"),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(carrierLog);
            services.AddScoped<SimulatedCarrierGateway>();
            services.AddScoped<ICarrierGateway, CountingCarrier>();
            services.RemoveAll<IEmailSender>();
            services.AddSingleton<IEmailSender>(emails);
        });
    }

    public string Url => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
        .Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
}

/// <summary>
/// Two portal instances (A and B) on one database and one Stripe emulator, each on its own Kestrel
/// port, as behind a load balancer. The emulator holds its webhooks back: tests post them.
/// </summary>
public class TwoInstancesFixture : IAsyncLifetime
{
    /// <summary>Whether the instances run their background workers (off: tests run each job's pass themselves).</summary>
    protected virtual bool WorkersRunning => false;

    /// <summary>Whether the instances keep anonymous catalogue pages in their output caches.</summary>
    protected virtual bool OutputCache => false;

    public PortalEmulator Emulator { get; } = new();
    public TestDatabase Database { get; private set; } = null!;
    public CarrierCallLog Carrier { get; } = new();
    public SentEmails Emails { get; } = new();
    public InstancePortalFactory A { get; private set; } = null!;
    public InstancePortalFactory B { get; private set; } = null!;
    public IReadOnlyList<InstancePortalFactory> Instances => [A, B];

    public async Task InitializeAsync()
    {
        await Emulator.InitializeAsync();
        Database = await TestDatabase.CreateAsync();
        A = new InstancePortalFactory(Database, Emulator.BaseUrl, Carrier, Emails, WorkersRunning, OutputCache);
        A.UseKestrel(0);
        A.StartServer();
        B = new InstancePortalFactory(Database, Emulator.BaseUrl, Carrier, Emails, WorkersRunning, OutputCache);
        B.UseKestrel(0);
        B.StartServer();
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    public async Task ResetAsync()
    {
        await Database.ResetAsync();
        Carrier.Calls.Clear();
        Emails.Messages.Clear();
        (await Emulator.Control.PostAsync("/_emulator/reset", null)).EnsureSuccessStatusCode();
        await Emulator.ConfigureWebhookAsync(null, PortalFactory.StripeWebhookSecret);
        var now = new[] { A.Clock.GetUtcNow(), B.Clock.GetUtcNow(), DateTimeOffset.UtcNow }.Max();
        SetClocks(now);
        await using var db = Database.NewContext();
        db.Plans.Add(TestData.Plan("month", 30, 1980, SimKinds.Both, sortOrder: 1));
        await db.SaveChangesAsync();
    }

    public void SetClocks(DateTimeOffset now)
    {
        A.Clock.SetUtcNow(now);
        B.Clock.SetUtcNow(now);
    }

    public void AdvanceClocks(TimeSpan by) => SetClocks(A.Clock.GetUtcNow() + by);

    public static HttpClient NewClient(InstancePortalFactory instance, System.Net.CookieContainer? cookies = null) =>
        Travellers.NewHttpClient(instance.Url, cookies: cookies);

    public async Task<Guid> MonthVersionIdAsync()
    {
        await using var db = Database.NewContext();
        return await db.PlanVersions.Where(PlanVersion.OnSaleAt(A.Clock.GetUtcNow())).Where(v => v.Plan.Code == "month").Select(v => v.Id).SingleAsync();
    }

    /// <summary>
    /// A traveller registered on <paramref name="instance"/> with a physical SIM renewed six days ago, who
    /// submitted the renewal form there: one pending order whose checkout session exists at the emulator.
    /// </summary>
    public async Task<(Guid SimId, Guid OrderId, string SessionId)> PendingRenewalAsync(InstancePortalFactory instance, string email, string iccidBody)
    {
        var client = NewClient(instance);
        var registered = await client.SubmitAsync(await client.GetDocumentAsync("/account/register"), "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = email,
            ["Input.Password"] = Travellers.Password,
            ["Input.ConfirmPassword"] = Travellers.Password,
        });
        Assert.True(registered.IsRedirect(), $"registration failed: {(int)registered.StatusCode}");
        Sim sim;
        await using (var db = Database.NewContext())
        {
            var userId = await db.Users.Where(u => u.UserName == email).Select(u => u.Id).SingleAsync();
            sim = Sim.RegisterPhysical(Iccid.FromBody(iccidBody), SimPin.Hash("1234"), TestData.Epoch);
            sim.AssignTo(userId, TestData.Epoch);
            sim.ApplyRenewal(await db.PlanVersions.Where(PlanVersion.OnSaleAt(instance.Clock.GetUtcNow())).SingleAsync(v => v.Plan.Code == "month"), instance.Clock.GetUtcNow().AddDays(-6));
            db.Sims.Add(sim);
            await db.SaveChangesAsync();
        }
        var page = await client.GetDocumentAsync($"/sims/{sim.Id}/renew");
        var response = await client.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = (await MonthVersionIdAsync()).ToString(),
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var after = Database.NewContext();
        var order = await after.Orders.AsNoTracking().SingleAsync(o => o.SimId == sim.Id);
        return (sim.Id, order.Id, order.CheckoutSessionId!);
    }
}

/// <summary>The two instances, each with its output cache of catalogue pages on.</summary>
public sealed class TwoCachingInstancesFixture : TwoInstancesFixture
{
    protected override bool OutputCache => true;
}

/// <summary>The two instances with every background worker running on both.</summary>
public sealed class TwoRunningInstancesFixture : TwoInstancesFixture
{
    protected override bool WorkersRunning => true;
}
