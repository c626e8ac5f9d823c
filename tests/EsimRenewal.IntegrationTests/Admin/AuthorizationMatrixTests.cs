using System.Net;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// Every page under /admin and /staff, and every handler of each (GET and POST), found by reflection
/// over the Razor Pages so a new page cannot be forgotten: anonymous visitors are sent to sign in,
/// travellers are denied, staff reach /staff only, admins reach everything; denied POSTs change nothing.
/// Every request names real rows (the plan, the paid order, the voucher batch, the staff member of
/// <see cref="PageSamples"/>) and every POST carries the fields its form would, so a handler that forgot
/// its authorisation would act, and the digest of every table's content would show it.
/// </summary>
public sealed class AuthorizationMatrixTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    public sealed record Endpoint(string Method, string Url, string Area, IReadOnlyDictionary<string, string> Fields)
    {
        public override string ToString() => $"{Method} {Url}";
    }

    private PageSamples _samples = null!;
    private Guid _versionId;
    private string _planVersion = "";
    private string _serial = "";

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _samples = await PageSamples.SeedAsync(portal.Factory); // traveller mei@, staff desk@, admin boss@ with two factors
        await new VoucherScenario(portal.Factory).UserAsync("plain@example.com", Roles.Admin); // an admin who has not turned two-factor sign-in on
        await using var db = portal.Database.NewContext();
        _versionId = await db.PlanVersions.Where(v => v.PlanId == _samples.PlanId).Select(v => v.Id).FirstAsync();
        _planVersion = await db.Database.SqlQuery<string>($"SELECT xmin::text AS \"Value\" FROM plans WHERE id = {_samples.PlanId}").SingleAsync();
        var serial = await db.Vouchers.Where(v => v.BatchId == _samples.BatchId).OrderByDescending(v => v.Serial).Select(v => v.Serial).FirstAsync();
        _serial = serial.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The /admin and /staff pages with each of their handlers, read from the running portal and the page models.</summary>
    private IReadOnlyList<Endpoint> Endpoints() =>
        PageHandlers.All(portal.Factory)
            .Where(h => h.Page.StartsWith("/Admin/", StringComparison.Ordinal) || h.Page.StartsWith("/Staff/", StringComparison.Ordinal))
            .Select(h => new Endpoint(h.Method, h.Url(_ => RouteId(h.Page)), h.Page.Split('/')[1], h.Method == "POST" ? Fields(h) : new Dictionary<string, string>()))
            .ToList();

    /// <summary>The real row a page's <c>{id}</c> names.</summary>
    private string RouteId(string page) => page switch
    {
        "/Admin/Plans/Edit" => _samples.PlanId.ToString(),
        "/Admin/Vouchers/Details" => _samples.BatchId.ToString(),
        "/Admin/Orders/Details" => _samples.OrderId.ToString(),
        "/Admin/Users/Details" => _samples.StaffUserId,
        "/Staff/Slip" => _samples.SlipId.ToString(),
        _ => throw new InvalidOperationException($"{page} has a route parameter with no sample row: name one here."),
    };

    /// <summary>What each form sends: a price change, a batch of codes, a refund, a role given, a code redeemed…</summary>
    private Dictionary<string, string> Fields(PageHandler handler) => (handler.Page, handler.Name) switch
    {
        ("/Admin/Plans/Index", _) => new() { ["id"] = _samples.PlanId.ToString() },
        ("/Admin/Plans/Create", "") => Plans.AdminPlanForms.NewPlan(code: "jp-intruder"),
        ("/Admin/Plans/Edit", "") => new(Plans.AdminPlanForms.NewPlan(price: "9999")) { ["Input.Version"] = _planVersion, ["Input.EffectiveFrom"] = "" },
        ("/Admin/Plans/Edit", "CancelSchedule") => new() { ["scheduledVersionId"] = _versionId.ToString() },
        ("/Admin/Vouchers/Index", "") => new()
        {
            ["Input.PlanVersionId"] = _versionId.ToString(), ["Input.Channel"] = Core.Vouchers.SalesChannels.Lawson,
            ["Input.Quantity"] = "5", ["Input.ExpiresOn"] = "2027-06-30",
        },
        ("/Admin/Vouchers/Details", "VoidVoucher") => new() { ["Input.Serial"] = _serial },
        ("/Admin/Vouchers/Details", "Download" or "Activate" or "Void") => new(),
        ("/Admin/Orders/Details", "Refund") => new() { ["Input.Reason"] = "Customer asked" },
        ("/Admin/Users/Details", "Roles") => new() { ["Input.Roles"] = Roles.Admin },
        ("/Admin/Users/Details", "Lock" or "Unlock" or "ResetTwoFactor" or "Resend") => new(),
        ("/Admin/Users/Invite", "") => new() { ["Input.Email"] = "intruder@example.com", ["Input.Role"] = Roles.Admin, ["Input.Culture"] = "en" },
        ("/Staff/Vouchers", "") => new() { ["Input.Query"] = _serial },
        ("/Staff/Redeem", "Preview" or "Confirm") => new() { ["Input.Code"] = _samples.VoucherCode, ["Input.Iccid"] = _samples.SimIccid },
        _ => throw new InvalidOperationException($"{handler} has no sample fields: add what its form sends here."),
    };

    /// <summary>Tables an admin or staff action could change.</summary>
    private static readonly string[] Tables =
    [
        "orders", "plans", "plan_versions", "voucher_batches", "vouchers", "voucher_redemptions", "voucher_code_export_chunks",
        "users", "user_roles", "user_tokens", "user_claims", "audit_entries", "outgoing_emails", "outbox_messages", "sims",
        "processed_stripe_events", "attempt_counters", "one_time_codes",
    ];

    /// <summary>A digest of the content of every table an admin or staff action could change (every column of every row), as one text.</summary>
    private async Task<string> ContentAsync()
    {
        var perTable = string.Join(" UNION ALL ", Tables.Select(t =>
            "SELECT '" + t + "' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d FROM " + t + " x"));
        await using var connection = new Npgsql.NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT string_agg(t || '=' || d, ', ' ORDER BY t) FROM (" + perTable + ") s";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Endpoint endpoint, string token) => endpoint.Method == "GET"
        ? await client.GetAsync(endpoint.Url)
        : await client.PostAsync(endpoint.Url, new FormUrlEncodedContent(endpoint.Fields.Append(new("__RequestVerificationToken", token))));

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
        var before = await ContentAsync();

        foreach (var endpoint in Endpoints())
        {
            Assert.True(SentTo(await SendAsync(client, endpoint, token), "/account/login"), $"{endpoint} did not ask an anonymous visitor to sign in");
        }
        Assert.Equal(before, await ContentAsync());
    }

    [Fact]
    public async Task Travellers_are_denied_everywhere_and_change_nothing()
    {
        var client = await portal.Factory.SignedInAsync(PageSamples.TravellerEmail, VoucherScenario.Password);
        var token = await TokenAsync(client, "/sims/add");
        var before = await ContentAsync();

        foreach (var endpoint in Endpoints())
        {
            Assert.True(SentTo(await SendAsync(client, endpoint, token), "/account/access-denied"), $"{endpoint} did not deny a traveller");
        }
        Assert.Equal(before, await ContentAsync());
    }

    [Fact]
    public async Task Staff_reach_the_desk_and_are_denied_the_admin_pages_which_they_cannot_change()
    {
        var client = await portal.Factory.SignedInAsync("desk@example.com", VoucherScenario.Password);
        var token = await TokenAsync(client, "/staff/redeem");
        var before = await ContentAsync();

        foreach (var endpoint in Endpoints().Where(e => e.Area == "Admin"))
        {
            Assert.True(SentTo(await SendAsync(client, endpoint, token), "/account/access-denied"), $"{endpoint} did not deny a staff member");
        }
        Assert.Equal(before, await ContentAsync());
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
        var before = await ContentAsync();
        var protectedEndpoints = Endpoints().Where(NeedsTwoFactor).ToList();

        Assert.Contains(protectedEndpoints, e => e is { Method: "POST", Url: "/admin/vouchers" });
        Assert.Contains(protectedEndpoints, e => e.Method == "POST" && e.Url.EndsWith("?handler=Roles", StringComparison.Ordinal));
        Assert.Contains(protectedEndpoints, e => e.Method == "GET" && e.Url == "/admin/users/invite");
        foreach (var endpoint in protectedEndpoints)
        {
            var response = await SendAsync(client, endpoint, token);
            Assert.True(SentTo(response, "/account/two-factor?required=true&returnUrl="), $"{endpoint} did not ask an admin without two-factor sign-in to enrol");
        }
        Assert.Equal(before, await ContentAsync());
        foreach (var endpoint in Endpoints().Where(e => !NeedsTwoFactor(e)))
        {
            var response = await SendAsync(client, endpoint, token);
            Assert.False(SentTo(response, "/account/"), $"{endpoint} turned an admin without two-factor sign-in away");
        }
    }

    [Fact]
    public async Task Admins_reach_every_page_and_handler_and_the_same_requests_do_change_things()
    {
        var client = await portal.Factory.SignedInAsync("boss@example.com", VoucherScenario.Password);
        var token = await TokenAsync(client, "/staff/redeem");
        var before = await ContentAsync();

        foreach (var endpoint in Endpoints())
        {
            var response = await SendAsync(client, endpoint, token);
            Assert.False(SentTo(response, "/account/"), $"{endpoint} turned an admin away");
            Assert.True((int)response.StatusCode < 500, $"{endpoint} answered {(int)response.StatusCode}");
        }
        // The requests the others were denied are ones that act: sent by an admin, they change the plan, the order, the staff member.
        Assert.NotEqual(before, await ContentAsync());
        await using var db = portal.Database.NewContext();
        var actions = await db.AuditEntries.Select(a => a.Action).Distinct().ToListAsync();
        Assert.Contains("order.refund-requested", actions);
        Assert.Contains(await db.PlanVersions.Where(v => v.PlanId == _samples.PlanId).Select(v => v.Price).ToListAsync(), p => p.Amount == 9999);
    }
}
