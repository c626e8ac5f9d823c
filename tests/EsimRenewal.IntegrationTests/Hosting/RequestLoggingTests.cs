using EsimRenewal.IntegrationTests.Infrastructure;

namespace EsimRenewal.IntegrationTests.Hosting;

/// <summary>
/// Request logging goes through the host's logger, so the configured levels apply to it: the bootstrap
/// logger that Program.cs keeps for start-up failures (preserveStaticLogger) never writes a request line.
/// </summary>
public sealed class RequestLoggingTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private sealed class LevelPortal(TestDatabase database, string level) : PortalFactory(database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [.. base.Settings(), new("Serilog:MinimumLevel:Default", level)];
    }

    private static async Task<IReadOnlyList<string>> RequestLinesAsync(PortalFactory portal)
    {
        var response = await portal.NewBrowser().GetAsync("/legal/terms?probe=1");
        response.EnsureSuccessStatusCode();
        await Task.Delay(100); // the request line is written as the response completes
        return portal.Logs.Lines.Where(l => l.Contains("/legal/terms", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public async Task A_request_writes_its_information_line_through_the_configured_logger()
    {
        await using var portal = new LevelPortal(_database, "Information");

        var lines = await RequestLinesAsync(portal);

        Assert.Contains(lines, l => l.StartsWith("[Information] HTTP \"GET\" \"/legal/terms\" responded 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_default_level_at_warning_a_request_writes_no_information_line()
    {
        await using var portal = new LevelPortal(_database, "Warning");

        var lines = await RequestLinesAsync(portal);

        Assert.Empty(lines);
        Assert.DoesNotContain(portal.Logs.Lines, l => l.StartsWith("[Information]", StringComparison.Ordinal));
    }
}
