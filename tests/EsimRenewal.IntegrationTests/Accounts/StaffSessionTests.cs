using System.Net;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;

namespace EsimRenewal.IntegrationTests.Accounts;

/// <summary>
/// A portal whose fake clock starts at the real time: the test client keeps cookies by the real clock, so
/// a cookie that expires 12 hours after the portal's "now" must not already be in the real past.
/// </summary>
public sealed class RealTimePortalFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public PortalFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Factory = new PortalFactory(Database, DateTimeOffset.UtcNow);
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>"Keep me signed in" keeps staff and admins for 12 hours at most; travellers keep their 14 days.</summary>
public sealed class StaffSessionTests(RealTimePortalFixture portal) : IClassFixture<RealTimePortalFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Client, HttpResponseMessage Response)> KeptSignedInAsync(string email)
    {
        var client = portal.Factory.NewBrowser();
        var page = await client.GetDocumentAsync("/account/login");
        var response = await client.SubmitAsync(page, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = email,
            ["Input.Password"] = VoucherScenario.Password,
            ["Input.RememberMe"] = "true",
        });
        Assert.True(response.IsRedirect());
        return (client, response);
    }

    private static DateTimeOffset CookieExpiry(HttpResponseMessage response)
    {
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("esim.auth=", StringComparison.Ordinal));
        var expires = cookie.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase));
        return DateTimeOffset.Parse(expires["expires=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_staff_member_kept_signed_in_is_signed_out_after_12_hours()
    {
        await new VoucherScenario(portal.Factory).UserAsync("desk@example.com", Roles.Staff);
        var start = portal.Factory.Clock.GetUtcNow();

        var (client, response) = await KeptSignedInAsync("desk@example.com");
        portal.Factory.Clock.Advance(TimeSpan.FromHours(11) + TimeSpan.FromMinutes(50));
        var late = await client.GetAsync("/staff/redeem");
        portal.Factory.Clock.Advance(TimeSpan.FromMinutes(11));
        var over = await client.GetAsync("/staff/redeem");

        Assert.InRange(CookieExpiry(response), start.AddHours(12).AddMinutes(-1), start.AddHours(12).AddMinutes(1));
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.True(over.IsRedirect());
        Assert.StartsWith("/account/login", over.Headers.Location!.PathAndQuery(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_traveller_kept_signed_in_stays_signed_in_longer()
    {
        await new VoucherScenario(portal.Factory).UserAsync("mei@example.com", Roles.Traveller);
        var start = portal.Factory.Clock.GetUtcNow();

        var (client, response) = await KeptSignedInAsync("mei@example.com");
        portal.Factory.Clock.Advance(TimeSpan.FromHours(13));

        Assert.True(CookieExpiry(response) > start.AddDays(13));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/sims")).StatusCode);
    }
}

internal static class UriPaths
{
    /// <summary>The path and query of a redirect's location, whether it is absolute or relative.</summary>
    public static string PathAndQuery(this Uri location) => location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
}
