using System.Net;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// Every page under /admin and /staff, and every handler of each (GET and POST), found by reflection
/// over the Razor Pages so a new page cannot be forgotten: anonymous visitors are sent to sign in,
/// travellers are denied, staff reach /staff only, admins reach everything; denied POSTs change nothing.
/// </summary>
public sealed class AuthorizationMatrixTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    public sealed record Endpoint(string Method, string Url, string Area)
    {
        public override string ToString() => $"{Method} {Url}";
    }

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        var scenario = new VoucherScenario(portal.Factory);
        await scenario.UserAsync("traveller@example.com", Roles.Traveller);
        await scenario.UserAsync("desk@example.com", Roles.Staff);
        await scenario.AdminWithTwoFactorAsync("boss@example.com");
        await scenario.UserAsync("plain@example.com", Roles.Admin); // an admin who has not turned two-factor sign-in on
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The /admin and /staff pages with each of their handlers, read from the running portal and the page models.</summary>
    private IReadOnlyList<Endpoint> Endpoints() =>
        PageHandlers.All(portal.Factory)
            .Where(h => h.Page.StartsWith("/Admin/", StringComparison.Ordinal) || h.Page.StartsWith("/Staff/", StringComparison.Ordinal))
            .Select(h => new Endpoint(h.Method, h.Url(_ => Guid.NewGuid().ToString()), h.Page.Split('/')[1]))
            .ToList();

    /// <summary>Row counts of every table an admin or staff action could change, as one text.</summary>
    private async Task<string> CountsAsync()
    {
        await using var db = portal.Database.NewContext();
        return await db.Database.SqlQuery<string>($"""
            SELECT concat_ws(',', (SELECT count(*) FROM orders), (SELECT count(*) FROM plans), (SELECT count(*) FROM plan_versions),
                (SELECT count(*) FROM voucher_batches), (SELECT count(*) FROM vouchers), (SELECT count(*) FROM voucher_redemptions),
                (SELECT count(*) FROM users), (SELECT count(*) FROM user_roles), (SELECT count(*) FROM audit_entries),
                (SELECT count(*) FROM outgoing_emails), (SELECT count(*) FROM sims)) AS "Value"
            """).SingleAsync();
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Endpoint endpoint, string token) => endpoint.Method == "GET"
        ? await client.GetAsync(endpoint.Url)
        : await client.PostAsync(endpoint.Url, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

    private static async Task<string> TokenAsync(HttpClient client, string page) =>
        (await client.GetDocumentAsync(page)).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    private static bool SentTo(HttpResponseMessage response, string path) =>
        response.IsRedirect() && response.Headers.Location!.OriginalString.Contains(path, StringComparison.Ordinal);

    [Fact]
    public void Every_admin_and_staff_page_is_found()
    {
        var endpoints = Endpoints();

        Assert.Contains(endpoints, e => e.Url == "/admin" && e.Method == "GET");
        Assert.Contains(endpoints, e => e.Url.StartsWith("/admin/orders/", StringComparison.Ordinal) && e.Url.EndsWith("?handler=Refund", StringComparison.Ordinal));
        Assert.Contains(endpoints, e => e.Url == "/staff/redeem?handler=Confirm" && e.Method == "POST");
        Assert.Contains(endpoints, e => e.Url == "/admin/vouchers" && e.Method == "POST");
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_everywhere_and_change_nothing()
    {
        var client = portal.Factory.NewBrowser();
        var token = await TokenAsync(client, "/account/login");
        var before = await CountsAsync();

        foreach (var endpoint in Endpoints())
        {
            Assert.True(SentTo(await SendAsync(client, endpoint, token), "/account/login"), $"{endpoint} did not ask an anonymous visitor to sign in");
        }
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Travellers_are_denied_everywhere_and_change_nothing()
    {
        var client = await portal.Factory.SignedInAsync("traveller@example.com", VoucherScenario.Password);
        var token = await TokenAsync(client, "/sims/add");
        var before = await CountsAsync();

        foreach (var endpoint in Endpoints())
        {
            Assert.True(SentTo(await SendAsync(client, endpoint, token), "/account/access-denied"), $"{endpoint} did not deny a traveller");
        }
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Staff_reach_the_desk_and_are_denied_the_admin_pages_which_they_cannot_change()
    {
        var client = await portal.Factory.SignedInAsync("desk@example.com", VoucherScenario.Password);
        var token = await TokenAsync(client, "/staff/redeem");
        var before = await CountsAsync();

        foreach (var endpoint in Endpoints().Where(e => e.Area == "Admin"))
        {
            Assert.True(SentTo(await SendAsync(client, endpoint, token), "/account/access-denied"), $"{endpoint} did not deny a staff member");
        }
        Assert.Equal(before, await CountsAsync());
        foreach (var endpoint in Endpoints().Where(e => e.Area == "Staff"))
        {
            var response = await SendAsync(client, endpoint, token);
            Assert.False(SentTo(response, "/account/"), $"{endpoint} turned a staff member away");
            Assert.True((int)response.StatusCode < 500, $"{endpoint} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Voucher codes, accounts and refunds: the endpoints that need an admin signed in with two factors.</summary>
    private static bool NeedsTwoFactor(Endpoint endpoint) =>
        endpoint.Url.StartsWith("/admin/vouchers", StringComparison.Ordinal)
        || endpoint.Url.StartsWith("/admin/users", StringComparison.Ordinal)
        || (endpoint.Url.StartsWith("/admin/orders/", StringComparison.Ordinal) && endpoint.Url.EndsWith("?handler=Refund", StringComparison.Ordinal));

    [Fact]
    public async Task Admins_without_two_factor_are_sent_to_enrol_from_vouchers_accounts_and_refunds_by_get_and_post_and_change_nothing()
    {
        var client = await portal.Factory.SignedInAsync("plain@example.com", VoucherScenario.Password);
        var token = await TokenAsync(client, "/staff/redeem");
        var before = await CountsAsync();
        var protectedEndpoints = Endpoints().Where(NeedsTwoFactor).ToList();

        Assert.Contains(protectedEndpoints, e => e is { Method: "POST", Url: "/admin/vouchers" });
        Assert.Contains(protectedEndpoints, e => e.Method == "POST" && e.Url.EndsWith("?handler=Roles", StringComparison.Ordinal));
        Assert.Contains(protectedEndpoints, e => e.Method == "GET" && e.Url == "/admin/users/invite");
        foreach (var endpoint in protectedEndpoints)
        {
            var response = await SendAsync(client, endpoint, token);
            Assert.True(SentTo(response, "/account/two-factor?required=true&returnUrl="), $"{endpoint} did not ask an admin without two-factor sign-in to enrol");
        }
        Assert.Equal(before, await CountsAsync());
        foreach (var endpoint in Endpoints().Where(e => !NeedsTwoFactor(e)))
        {
            var response = await SendAsync(client, endpoint, token);
            Assert.False(SentTo(response, "/account/"), $"{endpoint} turned an admin without two-factor sign-in away");
        }
    }

    [Fact]
    public async Task Admins_reach_every_page_and_handler()
    {
        var client = await portal.Factory.SignedInAsync("boss@example.com", VoucherScenario.Password);
        var token = await TokenAsync(client, "/staff/redeem");

        foreach (var endpoint in Endpoints())
        {
            var response = await SendAsync(client, endpoint, token);
            Assert.False(SentTo(response, "/account/"), $"{endpoint} turned an admin away");
            Assert.True((int)response.StatusCode < 500, $"{endpoint} answered {(int)response.StatusCode}");
        }
    }
}
