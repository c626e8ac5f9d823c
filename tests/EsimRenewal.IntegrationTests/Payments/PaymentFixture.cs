using System.Security.Cryptography;
using System.Text;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.StripeEmulator;
using EsimRenewal.StripeEmulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Payments;

/// <summary>The Stripe emulator with the portal's test key, signing its webhooks with the portal's test secret.</summary>
public sealed class PortalEmulator : EmulatorFixture
{
    protected override void Configure(EmulatorOptions options)
    {
        base.Configure(options);
        options.SecretKey = PortalFactory.StripeSecretKey;
        options.WebhookSecret = PortalFactory.StripeWebhookSecret;
    }
}

/// <summary>The portal on real Kestrel with Stripe.net pointed at the emulator.</summary>
/// <remarks>The emulator stamps sessions with the real time, so the portal's clock starts there too.</remarks>
public sealed class PaymentPortalFactory(TestDatabase database, string stripeApiBase) : PortalFactory(database, DateTimeOffset.UtcNow)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Stripe:ApiBase", stripeApiBase),
        new("Workers:Enabled", "false"),
    ];
}

/// <summary>
/// A portal and a Stripe emulator talking real HTTP to each other: Stripe.net calls the emulator,
/// the emulator delivers signed webhooks to the portal's /stripe/webhook.
/// </summary>
public sealed class PaymentFixture : IAsyncLifetime
{
    public PortalEmulator Emulator { get; } = new();
    public TestDatabase Database { get; private set; } = null!;
    public PaymentPortalFactory Portal { get; private set; } = null!;
    public string PortalUrl { get; private set; } = "";
    public string WebhookUrl => PortalUrl + "/stripe/webhook";

    public async Task InitializeAsync()
    {
        await Emulator.InitializeAsync();
        Database = await TestDatabase.CreateAsync();
        Portal = new PaymentPortalFactory(Database, Emulator.BaseUrl);
        Portal.UseKestrel(0);
        Portal.StartServer();
        PortalUrl = Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Database.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    /// <summary>Empties the database and the emulator; webhooks go to the portal unless told otherwise.</summary>
    public async Task ResetAsync(bool deliverWebhooks = true)
    {
        await Database.ResetAsync();
        (await Emulator.Control.PostAsync("/_emulator/reset", null)).EnsureSuccessStatusCode();
        await Emulator.ConfigureWebhookAsync(deliverWebhooks ? WebhookUrl : null, PortalFactory.StripeWebhookSecret);
    }

    public HttpClient NewClient() => Travellers.NewHttpClient(PortalUrl);

    /// <summary>Registers a traveller through the real form; returns the signed-in client and the user id.</summary>
    public async Task<(HttpClient Client, string UserId)> SignUpAsync(string email)
    {
        var client = NewClient();
        return (client, await Travellers.RegisterAsync(client, Database, email));
    }

    /// <summary>A physical SIM of the user's, valid until <paramref name="renewedAt"/> + 30 days (or never activated).</summary>
    public async Task<Sim> AddPhysicalSimAsync(string userId, string iccidBody, DateTimeOffset? renewedAt)
    {
        await using var db = Database.NewContext();
        var sim = Sim.RegisterPhysical(Iccid.FromBody(iccidBody), SimPin.Hash("1234"), TestData.Epoch);
        sim.AssignTo(userId, TestData.Epoch);
        if (renewedAt is { } at)
        {
            sim.ApplyRenewal(await db.PlanVersions.Where(PlanVersion.OnSaleAt(Portal.Clock.GetUtcNow())).SingleAsync(v => v.Plan.Code == "month"), at);
        }
        db.Sims.Add(sim);
        await db.SaveChangesAsync();
        return sim;
    }

    /// <summary>
    /// A traveller with a physical SIM renewed six days ago, who has submitted the renewal form for
    /// the 30-day plan: one pending order whose checkout session exists at the emulator.
    /// </summary>
    public async Task<(Guid SimId, Guid OrderId, string SessionId)> PendingRenewalAsync()
    {
        var (client, userId) = await SignUpAsync("mei@example.com");
        var sim = await AddPhysicalSimAsync(userId, "898110000000000042", Portal.Clock.GetUtcNow().AddDays(-6));
        var page = await client.GetDocumentAsync($"/sims/{sim.Id}/renew");
        var response = await client.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = (await PlanVersionIdAsync("month")).ToString(),
        });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        await using var db = Database.NewContext();
        var order = await db.Orders.AsNoTracking().SingleAsync();
        return (sim.Id, order.Id, order.CheckoutSessionId!);
    }

    public async Task SeedPlansAsync()
    {
        await using var db = Database.NewContext();
        db.Plans.AddRange(
            TestData.Plan("month", 30, 1980, SimKinds.Both, sortOrder: 1),
            TestData.Plan("week-esim", 7, 1500, SimKinds.Esim, sortOrder: 2));
        await db.SaveChangesAsync();
    }

    public async Task<Guid> PlanVersionIdAsync(string code)
    {
        await using var db = Database.NewContext();
        return await db.PlanVersions.Where(PlanVersion.OnSaleAt(Portal.Clock.GetUtcNow())).Where(v => v.Plan.Code == code).Select(v => v.Id).SingleAsync();
    }

    /// <summary>The raw JSON of an event as Stripe's API returns it (what a webhook carries).</summary>
    public async Task<string> RawEventAsync(string type, string objectId, string matchProperty = "id")
    {
        using var list = await Emulator.Control.GetAsync($"/v1/events?type={type}&limit=100");
        var json = System.Text.Json.JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        var match = json.RootElement.GetProperty("data").EnumerateArray()
            .Single(e => e.GetProperty("data").GetProperty("object").GetProperty(matchProperty).GetString() == objectId);
        return match.GetRawText();
    }

    /// <summary>Signs a payload the way Stripe does: <c>t=…,v1=HMAC-SHA256(secret, "t.payload")</c>.</summary>
    public static string Sign(string payload, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    public async Task<HttpResponseMessage> PostWebhookAsync(HttpClient client, string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/stripe/webhook")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }
        return await client.SendAsync(request);
    }
}
