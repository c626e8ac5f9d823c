using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Resilience;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EsimRenewal.IntegrationTests.Hosting;

/// <summary>
/// PostgreSQL stopped under a running portal (on real Kestrel, paid through the Stripe emulator) for at least
/// ten seconds under load, then started again: the server is a cluster of this class's own, so the suite's
/// shared one stays up.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    /// <summary>The portal on its own server, migrating it on start-up like a deployment; the connection string sets no timeouts, so the portal's bounds apply.</summary>
    private sealed class OutagePortalFactory(TestDatabase database, string stripeApiBase) : PortalFactory(database, DateTimeOffset.UtcNow)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("Stripe:ApiBase", stripeApiBase),
            new("Workers:Enabled", "false"),
            new("Database:MigrateOnStartup", "true"),
        ];
    }

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private readonly PatientEmulator _emulator = new();
    private ThrowawayCluster _cluster = null!;
    private TestDatabase _database = null!;
    private OutagePortalFactory _portal = null!;
    private string _portalUrl = "";

    public async Task InitializeAsync()
    {
        await _emulator.InitializeAsync();
        _cluster = await ThrowawayCluster.StartAsync();
        await _cluster.ExecuteAsync("CREATE DATABASE esim");
        _database = TestDatabase.OnOwnServer(_cluster.ConnectionString("esim"));
        _portal = new OutagePortalFactory(_database, _emulator.BaseUrl);
        _portal.UseKestrel(0);
        _portal.StartServer();
        _portalUrl = _portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        await _emulator.ConfigureWebhookAsync(_portalUrl + "/stripe/webhook", PortalFactory.StripeWebhookSecret);
        await using var db = _database.NewContext();
        db.Plans.Add(TestData.Plan("month", 30, 1980, SimKinds.Both, sortOrder: 1));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _cluster.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task While_the_database_is_down_pages_and_webhooks_answer_503_and_afterwards_the_same_portal_serves_and_fulfils_again()
    {
        var (traveller, userId) = await SignUpAsync("mei@example.com");
        // Before the outage: one renewal paid and fulfilled (committed), one checkout open.
        var paidSim = await TestData.MonthSimAsync(_database, userId, "898110000000000042", _portal.Clock.GetUtcNow().AddDays(-6));
        var (paidOrderId, paidSession) = await StartRenewalAsync(traveller, paidSim);
        await _emulator.PaySuccessfullyAsync(paidSession);
        Assert.Equal(OrderState.Fulfilled, await Eventually.Within(TimeSpan.FromSeconds(10), () => OrderStateAsync(paidOrderId), s => s == OrderState.Fulfilled));
        var openSim = await TestData.MonthSimAsync(_database, userId, "898110000000000059", _portal.Clock.GetUtcNow().AddDays(-6));
        var (openOrderId, openSession) = await StartRenewalAsync(traveller, openSim);
        var chinese = NewClient("zh-CN");
        var japanese = NewClient("ja");
        Assert.Equal(HttpStatusCode.OK, (await chinese.GetAsync("/")).StatusCode);

        await _cluster.StopServerAsync();
        var down = Stopwatch.StartNew();

        // The payment completes at Stripe while the database is down: its webhook is refused with 503.
        await _emulator.PaySuccessfullyAsync(openSession);
        var eventId = await CompletedEventIdAsync(openSession);
        var refused = await Eventually.Within(TimeSpan.FromSeconds(10), () => _emulator.DeliveriesAsync(eventId), a => a.Length >= 2);
        Assert.True(refused.Length >= 2, "Stripe retried the refused webhook");
        Assert.All(refused, a => Assert.Equal(503, a.GetProperty("status_code").GetInt32()));

        foreach (var (client, path, title) in new[]
        {
            (chinese, "/", "服务暂时不可用"),
            (japanese, "/", "ただいまご利用いただけません"),
            (traveller, "/sims", "The service is briefly unavailable"),
            (traveller, $"/sims/{paidSim.Id}/renew", "The service is briefly unavailable"),
        })
        {
            var watch = Stopwatch.StartNew();
            var response = await client.GetAsync(path);
            watch.Stop();
            Assert.True(watch.Elapsed < Bound, $"{path} answered after {watch.Elapsed}, not within {Bound}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), response.Headers.RetryAfter?.Delta);
            var page = await HtmlForms.ParseAsync(response);
            Assert.Equal(title, page.Text("[data-testid=outage-page] h1"));
        }
        var health = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await chinese.GetAsync("/healthz")).StatusCode);
        Assert.True(health.Elapsed < Bound, $"/healthz answered after {health.Elapsed}");

        // Under load for the rest of at least ten seconds down: every answer is the 503 page within the bound.
        string[] storefront = ["/", "/healthz"], signedIn = ["/sims", $"/sims/{paidSim.Id}/renew", "/orders", $"/orders/{paidOrderId}"];
        var load = await LoadAsync([(chinese, storefront), (japanese, storefront), (traveller, signedIn), (traveller, signedIn)],
            until: down.Elapsed > TimeSpan.FromSeconds(10) ? TimeSpan.Zero : TimeSpan.FromSeconds(10) - down.Elapsed);
        Assert.True(load.Count > 20, $"only {load.Count} requests were made during the outage");
        Assert.All(load, answer => Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable && answer.Took < Bound,
            $"{answer.Path} answered {(int)answer.Status} after {answer.Took} during the outage"));

        await _cluster.StartServerAsync();
        // The test's own idle connections died with the server too (the portal copes with its own).
        NpgsqlConnection.ClearPool(new NpgsqlConnection(_database.ConnectionString));

        // The same portal process and the same clients: served again, nothing lost, the refused webhook fulfilled on a retry.
        Assert.Equal(HttpStatusCode.OK, (await Eventually.Within(TimeSpan.FromSeconds(10), () => chinese.GetAsync("/healthz"), r => r.StatusCode == HttpStatusCode.OK)).StatusCode);
        // A connection that died with the server may still fail one request: within seconds every page is served again.
        Assert.Equal(HttpStatusCode.OK, (await Eventually.Within(TimeSpan.FromSeconds(10), () => chinese.GetAsync("/"), r => r.StatusCode == HttpStatusCode.OK)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Eventually.Within(TimeSpan.FromSeconds(10), () => traveller.GetAsync("/sims"), r => r.StatusCode == HttpStatusCode.OK)).StatusCode);
        Assert.Equal(OrderState.Fulfilled, await Eventually.Within(TimeSpan.FromSeconds(15), () => OrderStateAsync(openOrderId), s => s == OrderState.Fulfilled));
        var attempts = await _emulator.DeliveriesAsync(eventId);
        Assert.Equal(200, attempts[^1].GetProperty("status_code").GetInt32());
        Assert.Equal(OrderState.Fulfilled, await OrderStateAsync(paidOrderId));
        await using var db = _database.NewContext();
        Assert.Equal(2, await db.Orders.CountAsync());
        Assert.Equal(2, (await db.Sims.AsNoTracking().SingleAsync(s => s.Id == openSim.Id)).RenewalCount); // activation + exactly one renewal
    }

    /// <summary>Each client requests its paths in turn, all clients at once, until <paramref name="until"/> has passed.</summary>
    private static async Task<List<(string Path, HttpStatusCode Status, TimeSpan Took)>> LoadAsync((HttpClient Client, string[] Paths)[] clients, TimeSpan until)
    {
        var end = Stopwatch.StartNew();
        var answers = await Task.WhenAll(clients.Select(async c =>
        {
            var own = new List<(string, HttpStatusCode, TimeSpan)>();
            for (var i = 0; end.Elapsed < until || i < c.Paths.Length; i++)
            {
                var path = c.Paths[i % c.Paths.Length];
                var watch = Stopwatch.StartNew();
                using var response = await c.Client.GetAsync(path);
                own.Add((path, response.StatusCode, watch.Elapsed));
            }
            return own;
        }));
        return answers.SelectMany(a => a).ToList();
    }

    private HttpClient NewClient(string language) => Travellers.NewHttpClient(_portalUrl, language);

    private async Task<(HttpClient Client, string UserId)> SignUpAsync(string email)
    {
        var client = NewClient("en");
        return (client, await Travellers.RegisterAsync(client, _database, email));
    }

    private async Task<PlanVersion> MonthAsync(Core.Data.EsimDbContext db) =>
        await db.PlanVersions.Where(PlanVersion.OnSaleAt(_portal.Clock.GetUtcNow())).SingleAsync(v => v.Plan.Code == "month");

    /// <summary>Submits the renewal form: an order and its open Checkout Session at the emulator.</summary>
    private async Task<(Guid OrderId, string SessionId)> StartRenewalAsync(HttpClient client, Sim sim)
    {
        Guid planVersionId;
        await using (var db = _database.NewContext())
        {
            planVersionId = (await MonthAsync(db)).Id;
        }
        var page = await client.GetDocumentAsync($"/sims/{sim.Id}/renew");
        var response = await client.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = planVersionId.ToString(),
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var read = _database.NewContext();
        var order = await read.Orders.AsNoTracking().Where(o => o.SimId == sim.Id).SingleAsync();
        return (order.Id, order.CheckoutSessionId!);
    }

    private async Task<OrderState> OrderStateAsync(Guid orderId)
    {
        await using var db = _database.NewContext();
        return await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => o.State).SingleAsync();
    }

    private async Task<string> CompletedEventIdAsync(string sessionId)
    {
        using var list = await _emulator.Control.GetAsync("/v1/events?type=checkout.session.completed&limit=100");
        var json = JsonDocument.Parse(await list.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("data").EnumerateArray()
            .Single(e => e.GetProperty("data").GetProperty("object").GetProperty("id").GetString() == sessionId)
            .GetProperty("id").GetString()!;
    }
}
