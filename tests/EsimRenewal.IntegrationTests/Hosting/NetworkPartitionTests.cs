using System.Diagnostics;
using System.Net;
using EsimRenewal.Core.Data;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Npgsql;

namespace EsimRenewal.IntegrationTests.Hosting;

/// <summary>
/// The network to PostgreSQL drops every packet (nothing refuses, nothing answers): the portal's own bounded
/// timeouts — its connection string sets none — turn each request into the 503 page instead of a hang.
/// </summary>
public sealed class NetworkPartitionTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    /// <summary>
    /// The longest a request may wait. Measured on the build machine: about 4 s for a request that needs a new
    /// connection (the 4 s connect timeout), about 23 s for one that met a pooled connection (the 15 s command
    /// timeout, then Npgsql's cancel request and the connection's teardown). Without the bounds: until TCP gives up.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private sealed class RelayedPortalFactory(TestDatabase database, string connectionString) : PortalFactory(database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            [.. base.Settings(), new("ConnectionStrings:" + EsimDatabase.ConnectionStringName, connectionString)];
    }

    [Fact]
    public async Task While_the_network_to_the_database_drops_everything_requests_get_the_503_page_within_the_bounds_and_are_served_once_it_heals()
    {
        await portal.Database.ResetAsync();
        var server = new NpgsqlConnectionStringBuilder(portal.Database.ConnectionString);
        await using var network = NetworkPartition.Start(server.Host!, server.Port);
        var relayed = new NpgsqlConnectionStringBuilder(portal.Database.ConnectionString) { Host = "127.0.0.1", Port = network.Port };
        Assert.DoesNotContain("Timeout", relayed.ConnectionString, StringComparison.OrdinalIgnoreCase); // the portal's own bounds are under test
        await using var factory = new RelayedPortalFactory(portal.Database, relayed.ConnectionString);
        var (traveller, _) = await factory.SignUpAsync("mei@example.com", "zh-Hans");
        Assert.Equal(HttpStatusCode.OK, (await traveller.GetAsync("/sims")).StatusCode); // pooled connections exist

        network.Partition();
        var watch = Stopwatch.StartNew();
        var timed = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            var path = i % 3 == 0 ? "/healthz" : "/sims";
            var answer = await traveller.GetAsync(path);
            return (Answer: answer, Took: $"{path} {watch.Elapsed}");
        }));
        watch.Stop();
        var answers = timed.Select(t => t.Answer).ToArray();

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.StatusCode));
        Assert.True(watch.Elapsed < Bound, $"the requests took {string.Join(", ", timed.Select(t => t.Took))}, not within {Bound}");
        var page = await HtmlForms.ParseAsync(answers[1]);
        Assert.Equal("服务暂时不可用", page.Text("[data-testid=outage-page] h1"));

        network.Heal();

        var healed = await Eventually.Within(TimeSpan.FromSeconds(20), () => traveller.GetAsync("/sims"), r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
    }
}
