using System.Net;
using System.Text.Json;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// /admin/users through the real pages: finding accounts, roles, lock and unlock, the guards that keep an
/// admin able to manage accounts (however the POST is made), and an audit entry for every change.
/// </summary>
public sealed class UserAdminTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private const string AdminIp = "203.0.113.10";
    private readonly VoucherScenario _scenario = new(portal.Factory);
    private ApplicationUser _admin = null!;
    private ApplicationUser _staff = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _admin = await _scenario.AdminWithTwoFactorAsync("admin@example.com");
        _staff = await _scenario.UserAsync("staff@example.com", Roles.Staff);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpClient> AdminAsync(string email = "admin@example.com", string language = "en")
    {
        var client = await portal.Factory.SignedInClientAsync(email, language);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", AdminIp);
        return client;
    }

    private async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var db = portal.Database.NewContext();
        return await db.AuditEntries.AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Id).ToListAsync();
    }

    private static JsonElement Json(string? json) => JsonDocument.Parse(json!).RootElement;

    private static string[] RolesIn(string? json) => Json(json).GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray();

    [Fact]
    public async Task An_admin_finds_accounts_by_email_mobile_number_or_id_and_sees_roles_state_and_creation()
    {
        var (_, traveller) = await portal.Factory.SignUpAsync("mei.lin@example.com");
        var (_, phone) = await portal.Factory.SignUpAsync("080-1111-2222");
        var admin = await AdminAsync();

        var byEmail = await admin.GetDocumentAsync("/admin/users?q=MEI.LIN");
        var byNumber = await admin.GetDocumentAsync("/admin/users?q=" + Uri.EscapeDataString("+81 80 1111 2222"));
        var byDigits = await admin.GetDocumentAsync("/admin/users?q=1111-2222");
        var byId = await admin.GetDocumentAsync("/admin/users?q=" + _staff.Id);
        var staffOnly = await admin.GetDocumentAsync("/admin/users?role=Staff");
        var wildcard = await admin.GetDocumentAsync("/admin/users?q=%25_");

        string[] Ids(AngleSharp.Html.Dom.IHtmlDocument page) => page.QuerySelectorAll("[data-testid=user-row]").Select(r => r.GetAttribute("data-user-id")!).ToArray();
        Assert.Equal([traveller], Ids(byEmail));
        Assert.Equal("Traveller", byEmail.Text("[data-testid=user-roles]"));
        Assert.Contains("2026-12-01 12:00 JST", byEmail.Text("[data-testid=user-row]"));
        Assert.Equal([phone], Ids(byNumber));
        Assert.Equal([phone], Ids(byDigits));
        Assert.Equal([_staff.Id], Ids(byId));
        Assert.Equal([_staff.Id], Ids(staffOnly));
        Assert.Empty(Ids(wildcard));
        Assert.NotNull(wildcard.QuerySelector("[data-testid=no-users]"));
    }

    [Fact]
    public async Task The_account_list_is_paged_newest_first()
    {
        await using (var db = portal.Database.NewContext())
        {
            for (var i = 0; i < 30; i++)
            {
                db.Users.Add(new ApplicationUser { UserName = $"t{i}@example.com", Email = $"t{i}@example.com", CreatedAt = _scenario.Now.AddMinutes(i + 1) });
            }
            await db.SaveChangesAsync();
        }
        var admin = await AdminAsync();

        var first = await admin.GetDocumentAsync("/admin/users");
        var second = await admin.GetDocumentAsync(first.QuerySelector("[data-testid=page-next]")!.GetAttribute("href")!);

        var rows = first.QuerySelectorAll("[data-testid=user-row] .account-name").Select(a => a.TextContent).ToList();
        Assert.Equal(25, rows.Count);
        Assert.Equal("t29@example.com", rows[0]);
        Assert.Equal(7, second.QuerySelectorAll("[data-testid=user-row]").Length); // 32 accounts in all
        Assert.Null(second.QuerySelector("[data-testid=page-next]"));
        Assert.NotNull(second.QuerySelector("[data-testid=page-prev]"));
    }

    [Fact]
    public async Task An_admin_changes_roles_through_the_checkboxes_and_each_change_is_audited()
    {
        var admin = await AdminAsync();
        var page = await admin.GetDocumentAsync($"/admin/users/{_staff.Id}");
        Assert.NotNull(page.QuerySelector("[data-testid=role-staff][checked]"));

        // The form with one box ticked, Admin (SubmitAsync sends one value per name; PostRolesAsync several).
        var promoted = await admin.SubmitAsync(page, "[data-testid=roles-form]", new Dictionary<string, string> { ["Input.Roles"] = "Admin" });
        Assert.True(promoted.IsRedirect());
        Assert.Equal(["Admin"], await portal.Database.RolesOfAsync(_staff.Id));

        var both = await admin.PostRolesAsync(_staff.Id, "Staff", "Admin");
        var none = await admin.PostRolesAsync(_staff.Id);

        Assert.True(both.IsRedirect());
        Assert.True(none.IsRedirect());
        Assert.Empty(await portal.Database.RolesOfAsync(_staff.Id));
        var changes = await AuditAsync("user.roles-changed");
        Assert.Equal(3, changes.Count);
        Assert.All(changes, c => Assert.Equal((_admin.Id, "admin@example.com", AdminIp, "User", _staff.Id), (c.ActorId, c.ActorName, c.Ip, c.EntityType, c.EntityId)));
        Assert.Equal(["Staff"], RolesIn(changes[0].Before));
        Assert.Equal(["Admin"], RolesIn(changes[0].After));
        Assert.Equal(["Admin"], RolesIn(changes[1].Before));
        Assert.Equal(["Staff", "Admin"], RolesIn(changes[1].After));
        Assert.Equal(["Staff", "Admin"], RolesIn(changes[2].Before));
        Assert.Empty(RolesIn(changes[2].After));
        Assert.DoesNotContain(changes, c => c.After!.Contains("password", StringComparison.OrdinalIgnoreCase) && !c.After.Contains("passwordSet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_locked_account_cannot_sign_in_its_open_session_ends_and_unlocking_restores_it()
    {
        var staffSession = await portal.Factory.SignedInClientAsync("staff@example.com");
        var admin = await AdminAsync();

        var locked = await admin.SubmitAsync(await admin.GetDocumentAsync($"/admin/users/{_staff.Id}"), "[data-testid=lock-form]", new Dictionary<string, string>());
        var stranger = portal.Factory.NewClient();
        var signIn = await stranger.SubmitAsync(await stranger.GetDocumentAsync("/account/login"), "[data-testid=login-form]",
            new Dictionary<string, string> { ["Input.Identifier"] = "staff@example.com", ["Input.Password"] = VoucherScenario.Password });
        portal.Factory.Clock.Advance(TimeSpan.FromMinutes(2)); // past the security stamp's validation interval
        var desk = await staffSession.GetAsync("/staff/redeem");
        var details = await admin.GetDocumentAsync($"/admin/users/{_staff.Id}");

        Assert.True(locked.IsRedirect());
        Assert.False(signIn.IsRedirect());
        Assert.Equal(HttpStatusCode.Redirect, desk.StatusCode);
        Assert.Equal("/account/login", desk.Headers.Location!.AbsolutePath);
        Assert.Equal("locked", details.QuerySelector("[data-testid=account-state]")!.GetAttribute("data-state"));
        Assert.Equal(AccountLock.Indefinitely, (await portal.Database.ReloadUserAsync(_staff.Id)).LockoutEnd);

        var unlocked = await admin.SubmitAsync(details, "[data-testid=unlock-form]", new Dictionary<string, string>());
        var again = await portal.Factory.SignedInClientAsync("staff@example.com");

        Assert.True(unlocked.IsRedirect());
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/staff/redeem")).StatusCode);
        var user = await portal.Database.ReloadUserAsync(_staff.Id);
        Assert.Equal((null, 0), (user.LockoutEnd, user.AccessFailedCount));
        var lockEntry = Assert.Single(await AuditAsync("user.locked"));
        var unlockEntry = Assert.Single(await AuditAsync("user.unlocked"));
        Assert.Equal((false, true), (Json(lockEntry.Before).GetProperty("locked").GetBoolean(), Json(lockEntry.After).GetProperty("locked").GetBoolean()));
        Assert.Equal((true, false), (Json(unlockEntry.Before).GetProperty("locked").GetBoolean(), Json(unlockEntry.After).GetProperty("locked").GetBoolean()));
        Assert.Equal((_admin.Id, AdminIp), (unlockEntry.ActorId, unlockEntry.Ip));
    }

    [Fact]
    public async Task Unlocking_ends_a_lockout_after_failed_sign_ins()
    {
        for (var i = 0; i < 5; i++)
        {
            var client = portal.Factory.NewClient();
            await client.SubmitAsync(await client.GetDocumentAsync("/account/login"), "[data-testid=login-form]",
                new Dictionary<string, string> { ["Input.Identifier"] = "staff@example.com", ["Input.Password"] = "wrong password " + i });
        }
        Assert.NotNull((await portal.Database.ReloadUserAsync(_staff.Id)).LockoutEnd);
        var admin = await AdminAsync();

        var unlocked = await admin.SubmitAsync(await admin.GetDocumentAsync($"/admin/users/{_staff.Id}"), "[data-testid=unlock-form]", new Dictionary<string, string>());

        Assert.True(unlocked.IsRedirect());
        await portal.Factory.SignedInClientAsync("staff@example.com");
        Assert.Single(await AuditAsync("user.unlocked"));
    }

    [Fact]
    public async Task The_last_active_admin_cannot_be_demoted_or_locked_even_by_a_crafted_post()
    {
        var admin = await AdminAsync();

        var demoted = await admin.PostRolesAsync(_admin.Id, "Staff");
        var locked = await admin.PostActionAsync(_admin.Id, "Lock");

        foreach (var response in new[] { demoted, locked })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("At least one admin who can sign in must remain: this account is the last one, so it cannot lose the Admin role or be locked.",
                (await HtmlForms.ParseAsync(response)).Errors());
        }
        Assert.Equal(["Admin"], await portal.Database.RolesOfAsync(_admin.Id));
        Assert.Null((await portal.Database.ReloadUserAsync(_admin.Id)).LockoutEnd);
        Assert.Empty(await AuditAsync("user.roles-changed"));
        Assert.Empty(await AuditAsync("user.locked"));
    }

    [Fact]
    public async Task An_admin_cannot_remove_their_own_admin_role_or_lock_themselves_even_with_another_admin()
    {
        await _scenario.UserAsync("second@example.com", Roles.Admin);
        var admin = await AdminAsync();
        var ownPage = await admin.GetDocumentAsync($"/admin/users/{_admin.Id}");
        Assert.Null(ownPage.QuerySelector("[data-testid=lock-form]")); // not offered; refused below when posted anyway

        var demoted = await admin.PostRolesAsync(_admin.Id, "Staff");
        var locked = await admin.PostActionAsync(_admin.Id, "Lock");

        Assert.Equal(HttpStatusCode.Conflict, demoted.StatusCode);
        Assert.Contains("You cannot remove your own Admin role. Ask another admin.", (await HtmlForms.ParseAsync(demoted)).Errors());
        Assert.Equal(HttpStatusCode.Conflict, locked.StatusCode);
        Assert.Contains("You cannot lock your own account.", (await HtmlForms.ParseAsync(locked)).Errors());
        Assert.Equal(["Admin"], await portal.Database.RolesOfAsync(_admin.Id));
        Assert.Null((await portal.Database.ReloadUserAsync(_admin.Id)).LockoutEnd);
        // Adding a role to oneself is fine.
        Assert.True((await admin.PostRolesAsync(_admin.Id, "Staff", "Admin")).IsRedirect());
        Assert.Equal(["Admin", "Staff"], await portal.Database.RolesOfAsync(_admin.Id));
    }

    [Fact]
    public async Task An_admin_whose_other_admins_are_locked_or_not_yet_set_up_is_the_last_one()
    {
        var locked = await _scenario.UserAsync("locked@example.com", Roles.Admin);
        await using (var db = portal.Database.NewContext())
        {
            var user = await db.Users.SingleAsync(u => u.Id == locked.Id);
            user.LockoutEnd = AccountLock.Indefinitely;
            db.Users.Add(new ApplicationUser { UserName = "invited@example.com", Email = "invited@example.com", CreatedAt = _scenario.Now }); // no password
            await db.SaveChangesAsync();
            var invited = await db.Users.SingleAsync(u => u.UserName == "invited@example.com");
            var adminRole = await db.Roles.SingleAsync(r => r.Name == Roles.Admin);
            db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = invited.Id, RoleId = adminRole.Id });
            await db.SaveChangesAsync();
        }
        var admin = await AdminAsync();

        var demoted = await admin.PostRolesAsync(_admin.Id, "Staff");

        Assert.Equal(HttpStatusCode.Conflict, demoted.StatusCode);
        Assert.Contains("At least one admin who can sign in must remain: this account is the last one, so it cannot lose the Admin role or be locked.",
            (await HtmlForms.ParseAsync(demoted)).Errors());
    }

    [Fact]
    public async Task A_demoted_admins_session_can_no_longer_manage_accounts()
    {
        var second = await _scenario.AdminWithTwoFactorAsync("second@example.com");
        var admin = await AdminAsync();
        var secondSession = await AdminAsync("second@example.com");
        await secondSession.GetDocumentAsync("/admin/users"); // signed in as an admin, cookie issued

        Assert.True((await admin.PostRolesAsync(second.Id, "Staff")).IsRedirect());
        // Within the minute before the session is checked again, its cookie still says Admin: the service checks.
        var retaliation = await secondSession.PostRolesAsync(_admin.Id, "Traveller");
        var lockAttempt = await secondSession.PostActionAsync(_staff.Id, "Lock");

        Assert.Equal(HttpStatusCode.Forbidden, retaliation.StatusCode);
        Assert.Contains("Your account is no longer an active admin, so it cannot manage accounts.", (await HtmlForms.ParseAsync(retaliation)).Errors());
        Assert.Equal(HttpStatusCode.Forbidden, lockAttempt.StatusCode);
        Assert.Equal(["Admin"], await portal.Database.RolesOfAsync(_admin.Id));
        Assert.Null((await portal.Database.ReloadUserAsync(_staff.Id)).LockoutEnd);
        // A minute later the session carries the new roles and the admin pages are closed to it.
        portal.Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Redirect, (await secondSession.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_one_admin()
    {
        var second = await _scenario.AdminWithTwoFactorAsync("second@example.com");
        var one = await AdminAsync();
        var two = await AdminAsync("second@example.com");
        // Both forms open before either is sent.
        var tokenOne = await one.GetDocumentAsync($"/admin/users/{second.Id}");
        var tokenTwo = await two.GetDocumentAsync($"/admin/users/{_admin.Id}");
        using var barrier = new Barrier(2);

        var results = await Task.WhenAll(
            Task.Run(() => { barrier.SignalAndWait(); return one.SubmitAsync(tokenOne, "[data-testid=roles-form]", new Dictionary<string, string> { ["Input.Roles"] = "Staff" }); }),
            Task.Run(() => { barrier.SignalAndWait(); return two.SubmitAsync(tokenTwo, "[data-testid=roles-form]", new Dictionary<string, string> { ["Input.Roles"] = "Staff" }); }));

        Assert.Single(results, r => r.IsRedirect());
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.Forbidden);
        var admins = 0;
        foreach (var id in new[] { _admin.Id, second.Id })
        {
            admins += (await portal.Database.RolesOfAsync(id)).Contains("Admin") ? 1 : 0;
        }
        Assert.Equal(1, admins);
        Assert.Single(await AuditAsync("user.roles-changed"));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("Superuser")]
    [InlineData("admin")]
    [InlineData("x20000")]
    public async Task An_unknown_role_changes_nothing_and_says_so(string role)
    {
        var admin = await AdminAsync();

        var response = await admin.PostRolesAsync(_staff.Id, "Staff", role == "x20000" ? new string('x', 20_000) : role);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Choose a valid role.", (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Equal(["Staff"], await portal.Database.RolesOfAsync(_staff.Id));
        Assert.Empty(await AuditAsync("user.roles-changed"));
    }

    [Fact]
    public async Task A_roles_post_without_the_field_changes_nothing()
    {
        var admin = await AdminAsync("admin@example.com", "ja");

        var response = await admin.CraftedPostAsync("/account/logout", $"/admin/users/{_staff.Id}?handler=Roles", []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("正しい権限を選んでください。", (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Equal(["Staff"], await portal.Database.RolesOfAsync(_staff.Id));
    }

    [Fact]
    public async Task Posts_about_unknown_accounts_are_not_found_and_change_nothing()
    {
        var admin = await AdminAsync();

        var roles = await admin.PostRolesAsync("no-such-account", "Admin");
        var locked = await admin.PostActionAsync(new string('9', 20_000), "Lock");
        var page = await admin.GetAsync("/admin/users/" + Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, roles.StatusCode);
        Assert.True(locked.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.RequestUriTooLong or HttpStatusCode.BadRequest, locked.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        await using var db = portal.Database.NewContext();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action.StartsWith("user.")));
    }

    [Theory]
    [InlineData("role=abc", "Choose a valid role.")]
    [InlineData("page=abc", "That page number is not valid.")]
    [InlineData("page=0", "That page number is not valid.")]
    [InlineData("page=99999999999", "That page number is not valid.")]
    [InlineData("q=x20000", "Search for at most 254 characters.")]
    public async Task A_bad_search_gets_a_message_not_an_error(string query, string message)
    {
        var admin = await AdminAsync();

        var response = await admin.GetAsync("/admin/users?" + query.Replace("x20000", new string('x', 20_000), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Fact]
    public async Task Staff_and_travellers_cannot_open_the_account_pages()
    {
        var staff = await portal.Factory.SignedInClientAsync("staff@example.com");
        var (traveller, _) = await portal.Factory.SignUpAsync("mei@example.com");

        foreach (var client in new[] { staff, traveller })
        {
            foreach (var path in new[] { "/admin/users", "/admin/users/invite", $"/admin/users/{_admin.Id}", "/admin/audit" })
            {
                var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.Equal("/account/access-denied", response.Headers.Location!.AbsolutePath);
            }
        }
    }
}
