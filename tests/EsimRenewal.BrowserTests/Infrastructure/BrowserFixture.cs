using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.Infrastructure;

/// <summary>
/// The real portal on real Kestrel (loopback, a free port) over its own PostgreSQL database, and a
/// real headless Chromium driven by Playwright. Chromium comes from the system (ESIM_CHROMIUM or
/// /usr/bin/chromium); nothing is downloaded.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    private IPlaywright _playwright = null!;

    public TestDatabase Database { get; private set; } = null!;
    /// <summary>
    /// Generous: CI runs the browser tests while the integration tests load the same machine (on a
    /// 2-core machine under that load a navigation has been seen to take over 30 s).
    /// </summary>
    public const float DefaultTimeout = 60_000;

    public PortalFactory Portal { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    protected virtual PortalFactory CreatePortal(TestDatabase database) => new(database);

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Portal = CreatePortal(Database);
        Portal.UseKestrel(0);
        Portal.StartServer();
        var addresses = Portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseUrl = addresses.Addresses.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);

        var chromium = Environment.GetEnvironmentVariable("ESIM_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"Chromium is not at {chromium}. Run ./test.sh (it installs the Debian package) or set ESIM_CHROMIUM.");
        }
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
    }

    /// <summary>A fresh browser profile that announces <paramref name="locale"/> in Accept-Language.</summary>
    public async Task<IPage> NewPageAsync(string locale)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, BaseURL = BaseUrl });
        context.SetDefaultTimeout(DefaultTimeout);
        return await context.NewPageAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await Portal.DisposeAsync();
        await Database.DisposeAsync();
    }
}
