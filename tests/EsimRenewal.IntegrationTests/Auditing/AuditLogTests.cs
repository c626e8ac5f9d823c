using System.Net;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Data;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Admin;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EsimRenewal.IntegrationTests.Auditing;

/// <summary>
/// The audit log: sign-ins of staff and admins with the address they came from, the /admin/audit page
/// (newest first, filters, paging, encoded snapshots), and a table the application cannot change.
/// </summary>
public sealed class AuditLogTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(portal.Factory);
    private ApplicationUser _admin = null!;
    private ApplicationUser _staff = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _admin = await _scenario.UserAsync("admin@example.com", Roles.Admin); // the audit log needs no two-factor sign-in
        _staff = await _scenario.UserAsync("staff@example.com", Roles.Staff);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> SignInFromAsync(string ip, string identifier, string password)
    {
        var client = portal.Factory.NewClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
        return await client.SubmitAsync(await client.GetDocumentAsync("/account/login"), "[data-testid=login-form]",
            new Dictionary<string, string> { ["Input.Identifier"] = identifier, ["Input.Password"] = password });
    }

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = portal.Database.NewContext();
        return await db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    [Fact]
    public async Task Sign_ins_of_staff_and_admins_are_audited_with_their_address_success_failure_and_lockout()
    {
        await portal.Factory.SignUpAsync("mei@example.com");

        Assert.True((await SignInFromAsync("198.51.100.1", "staff@example.com", VoucherScenario.Password)).IsRedirect());
        Assert.True((await SignInFromAsync("198.51.100.2", "ADMIN@example.com", VoucherScenario.Password)).IsRedirect());
        Assert.False((await SignInFromAsync("198.51.100.3", "admin@example.com", "a wrong guess")).IsRedirect());
        Assert.True((await SignInFromAsync("198.51.100.4", "mei@example.com", Travellers.Password)).IsRedirect()); // a traveller: not audited
        await SignInFromAsync("198.51.100.5", "mei@example.com", "wrong"); // nor their failures
        await SignInFromAsync("198.51.100.6", "nobody@example.com", "wrong"); // nor unknown accounts

        var entries = await EntriesAsync();
        Assert.Equal(
            [("account.signed-in", _staff.Id, "198.51.100.1"), ("account.signed-in", _admin.Id, "198.51.100.2"), ("account.sign-in-failed", _admin.Id, "198.51.100.3")],
            entries.Select(e => (e.Action, e.ActorId!, e.Ip!)));
        Assert.All(entries, e => Assert.Equal(("User", e.ActorId), (e.EntityType, e.EntityId)));
        Assert.Equal("admin@example.com", entries[1].ActorName);
        Assert.DoesNotContain(entries, e => (e.After ?? "").Contains("wrong guess", StringComparison.Ordinal));

        // Failures up to the lockout, then a try while locked.
        for (var i = 0; i < 4; i++)
        {
            await SignInFromAsync("192.0.2.7", "staff@example.com", "guess " + i);
        }
        var locking = await SignInFromAsync("192.0.2.7", "staff@example.com", "guess 4");
        var whileLocked = await SignInFromAsync("192.0.2.8", "staff@example.com", VoucherScenario.Password);

        Assert.False(locking.IsRedirect());
        Assert.False(whileLocked.IsRedirect());
        var staffEntries = (await EntriesAsync()).Where(e => e.ActorId == _staff.Id).Select(e => (e.Action, e.Ip)).ToList();
        Assert.Equal(
            [("account.signed-in", "198.51.100.1"), .. Enumerable.Repeat(("account.sign-in-failed", "192.0.2.7"), 4),
                ("account.locked-out", "192.0.2.7"), ("account.sign-in-refused-locked", "192.0.2.8")],
            staffEntries);
    }

    [Fact]
    public async Task Admins_land_on_the_dashboard_staff_at_the_desk_travellers_on_their_sims_unless_they_came_from_a_page()
    {
        await portal.Factory.SignUpAsync("mei@example.com");

        var admin = await SignInFromAsync("192.0.2.1", "admin@example.com", VoucherScenario.Password);
        var staff = await SignInFromAsync("192.0.2.1", "staff@example.com", VoucherScenario.Password);
        var traveller = await SignInFromAsync("192.0.2.1", "mei@example.com", Travellers.Password);
        var client = portal.Factory.NewClient();
        var returning = await client.SubmitAsync(await client.GetDocumentAsync("/account/login?ReturnUrl=%2Fadmin%2Fvouchers"), "[data-testid=login-form]",
            new Dictionary<string, string> { ["Input.Identifier"] = "admin@example.com", ["Input.Password"] = VoucherScenario.Password });
        var external = portal.Factory.NewClient();
        var outside = await external.SubmitAsync(await external.GetDocumentAsync("/account/login?ReturnUrl=https%3A%2F%2Fevil.example%2F"), "[data-testid=login-form]",
            new Dictionary<string, string> { ["Input.Identifier"] = "staff@example.com", ["Input.Password"] = VoucherScenario.Password });

        // Staff and admins without two-factor sign-in are asked to turn it on first, with where they land next (0020).
        Assert.Equal("/account/two-factor?returnUrl=%2Fadmin", admin.Headers.Location!.OriginalString);
        Assert.Equal("/account/two-factor?returnUrl=%2Fstaff%2Fredeem", staff.Headers.Location!.OriginalString);
        Assert.Equal("/sims", traveller.Headers.Location!.OriginalString);
        Assert.Equal("/account/two-factor?returnUrl=%2Fadmin%2Fvouchers", returning.Headers.Location!.OriginalString);
        Assert.Equal("/account/two-factor?returnUrl=%2Fstaff%2Fredeem", outside.Headers.Location!.OriginalString);
        // With it on, the second step lands them directly.
        await portal.Factory.EnrolAsync(_admin.Id);
        var enrolled = portal.Factory.NewClient();
        var afterPassword = await enrolled.SubmitAsync(await enrolled.GetDocumentAsync("/account/login"), "[data-testid=login-form]",
            new Dictionary<string, string> { ["Input.Identifier"] = "admin@example.com", ["Input.Password"] = VoucherScenario.Password });
        var landed = await portal.Factory.AnswerSecondStepAsync(enrolled, afterPassword, "admin@example.com");
        Assert.Equal("/admin", landed.Headers.Location!.OriginalString);
    }

    /// <summary>Writes entries at chosen times (inserting is all the log allows).</summary>
    private async Task RecordAsync(params (DateTimeOffset At, Actor Actor, string Action, string? EntityId, object? Before, object? After)[] entries)
    {
        await using var db = portal.Database.NewContext();
        foreach (var (at, actor, action, entityId, before, after) in entries)
        {
            AuditLog.Record(db, actor, action, entityId is null ? null : "User", entityId, before, after, at);
        }
        await db.SaveChangesAsync();
    }

    private static string[] Actions(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("[data-testid=audit-entry]").Select(e => e.GetAttribute("data-action")!).ToArray();

    [Fact]
    public async Task The_audit_page_lists_entries_newest_first_and_filters_by_actor_action_and_jst_dates()
    {
        var adminActor = new Actor(_admin.Id, "admin@example.com", "203.0.113.1");
        var staffActor = new Actor(_staff.Id, "staff@example.com", "203.0.113.2");
        var dec1Late = new DateTimeOffset(2026, 12, 1, 14, 59, 0, TimeSpan.Zero);  // 23:59 JST on 1 December
        var dec2Early = new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);  // 00:00 JST on 2 December
        await RecordAsync(
            (dec1Late.AddDays(-1), adminActor, "user.invited", _staff.Id, null, new { roles = new[] { "Staff" } }),
            (dec1Late, staffActor, "voucher.redeemed", null, null, null),
            (dec2Early, adminActor, "user.roles-changed", _staff.Id, new { roles = new[] { "Staff" } }, new { roles = new[] { "Staff", "Admin" }, note = "<script>alert(1)</script>" }),
            (dec2Early.AddHours(1), staffActor, "account.signed-in", _staff.Id, null, null));
        var admin = await portal.Factory.SignedInClientAsync("admin@example.com"); // audited too: at the clock's time, 2026-12-01 12:00 JST

        var all = await admin.GetDocumentAsync("/admin/audit");
        var byStaffEmail = await admin.GetDocumentAsync("/admin/audit?actor=STAFF@example.com");
        var byStaffId = await admin.GetDocumentAsync("/admin/audit?actor=" + _staff.Id);
        var userActions = await admin.GetDocumentAsync("/admin/audit?action=user.");
        var december2 = await admin.GetDocumentAsync("/admin/audit?from=2026-12-02&to=2026-12-02");
        var december1 = await admin.GetDocumentAsync("/admin/audit?from=2026-12-01&to=2026-12-01");
        var combined = await admin.GetDocumentAsync($"/admin/audit?actor=admin%40example.com&action=user.&from=2026-12-02");
        var aboutStaff = await admin.GetDocumentAsync($"/admin/audit?entity={_staff.Id}");

        Assert.Equal(["account.signed-in", "user.roles-changed", "voucher.redeemed", "account.signed-in", "user.invited"], Actions(all));
        Assert.Equal(["account.signed-in", "voucher.redeemed"], Actions(byStaffEmail));
        Assert.Equal(Actions(byStaffEmail), Actions(byStaffId));
        Assert.Equal(["user.roles-changed", "user.invited"], Actions(userActions));
        Assert.Equal(["account.signed-in", "user.roles-changed"], Actions(december2));
        Assert.Equal(["voucher.redeemed", "account.signed-in"], Actions(december1));
        Assert.Equal(["user.roles-changed"], Actions(combined));
        Assert.Equal(["account.signed-in", "user.roles-changed", "user.invited"], Actions(aboutStaff));

        var row = all.QuerySelector("[data-action='user.roles-changed']")!;
        Assert.Contains("2026-12-02 00:00 JST", row.TextContent);
        Assert.Equal("admin@example.com", row.QuerySelector("[data-testid=entry-actor]")!.TextContent.Trim());
        Assert.Equal("203.0.113.1", row.QuerySelector("[data-testid=entry-ip]")!.TextContent.Trim());
        Assert.Contains("\"Staff\"", row.QuerySelector("[data-testid=entry-before]")!.TextContent);
        Assert.Contains("<script>alert(1)</script>", row.QuerySelector("[data-testid=entry-after]")!.TextContent); // shown as text…
        var html = await (await admin.GetAsync("/admin/audit")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert(1)</script>", html); // …because it is encoded
        Assert.Contains($"/admin/users/{_staff.Id}", row.InnerHtml);
    }

    [Fact]
    public async Task The_audit_page_is_paged()
    {
        var actor = new Actor(_admin.Id, "admin@example.com", null);
        await RecordAsync(Enumerable.Range(0, 60).Select(i => (_scenario.Now.AddMinutes(-i - 1), actor, $"test.entry-{i}", (string?)null, (object?)null, (object?)null)).ToArray());
        var admin = await portal.Factory.SignedInClientAsync("admin@example.com");

        var first = await admin.GetDocumentAsync("/admin/audit?action=test.");
        var second = await admin.GetDocumentAsync(first.QuerySelector("[data-testid=page-next]")!.GetAttribute("href")!);

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"test.entry-{i}"), Actions(first));
        Assert.Equal(Enumerable.Range(50, 10).Select(i => $"test.entry-{i}"), Actions(second));
        Assert.Null(second.QuerySelector("[data-testid=page-next]"));
    }

    [Theory]
    [InlineData("from=2026-13-45", "Enter a valid date (year-month-day).")]
    [InlineData("to=yesterday", "Enter a valid date (year-month-day).")]
    [InlineData("from=2026-12-05&to=2026-12-01", "The end date cannot be before the start date.")]
    [InlineData("action=DROP%20TABLE", "An action contains only lower-case letters, digits, dots and hyphens (for example user. or account.sign-in), up to 100 characters.")]
    [InlineData("action=%25", "An action contains only lower-case letters, digits, dots and hyphens (for example user. or account.sign-in), up to 100 characters.")]
    [InlineData("actor=x20000", "The person searched for is at most 256 characters long.")]
    [InlineData("entity=x20000", "The subject's ID is at most 100 characters long.")]
    [InlineData("page=abc", "That page number is not valid.")]
    public async Task Bad_filters_get_a_message_not_an_error(string query, string message)
    {
        var admin = await portal.Factory.SignedInClientAsync("admin@example.com");

        var response = await admin.GetAsync("/admin/audit?" + query.Replace("x20000", new string('x', 20_000), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Fact]
    public async Task The_audit_table_refuses_update_delete_and_truncate_from_the_applications_connection()
    {
        await RecordAsync(
            (_scenario.Now, new Actor(_admin.Id, "admin@example.com", "203.0.113.1"), "user.locked", _staff.Id, new { locked = false }, new { locked = true }),
            (_scenario.Now, new Actor(_admin.Id, "admin@example.com", "203.0.113.1"), "user.unlocked", _staff.Id, new { locked = true }, new { locked = false }));
        var before = await EntriesAsync();

        await using var scope = portal.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EsimDbContext>(); // the portal's own context and connection
        var attempts = new Func<Task>[]
        {
            () => db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET action = 'user.nothing-happened'"),
            () => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries"),
            () => db.Database.ExecuteSqlRawAsync("TRUNCATE audit_entries"),
            () => db.AuditEntries.Where(a => a.Action == "user.locked").ExecuteUpdateAsync(s => s.SetProperty(a => a.Ip, "10.0.0.1")),
            () => db.AuditEntries.Where(a => a.Action == "user.locked").ExecuteDeleteAsync(),
            async () =>
            {
                var entry = await db.AuditEntries.FirstAsync();
                db.Entry(entry).Property(a => a.After).CurrentValue = "{\"locked\": false}";
                await db.SaveChangesAsync();
            },
            async () =>
            {
                db.ChangeTracker.Clear();
                db.AuditEntries.Remove(await db.AuditEntries.FirstAsync());
                await db.SaveChangesAsync();
            },
        };

        foreach (var attempt in attempts)
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(attempt);
            var postgres = error as PostgresException ?? error.InnerException as PostgresException;
            Assert.NotNull(postgres);
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, postgres.SqlState);
            Assert.Contains("audit_entries is append-only", postgres.MessageText, StringComparison.Ordinal);
            db.ChangeTracker.Clear();
        }

        var after = await EntriesAsync();
        Assert.Equal(
            before.Select(e => (e.Id, e.At, e.ActorId, e.Action, e.Ip, e.EntityId, e.Before, e.After)),
            after.Select(e => (e.Id, e.At, e.ActorId, e.Action, e.Ip, e.EntityId, e.Before, e.After)));
        // Appending still works.
        AuditLog.Record(db, Actor.System, "test.appended", null, null, null, null, _scenario.Now);
        await db.SaveChangesAsync();
        Assert.Equal(3, (await EntriesAsync()).Count);
    }

    [Fact]
    public async Task A_role_granted_only_insert_and_select_on_the_log_appends_but_cannot_change_it_nor_switch_the_triggers_off()
    {
        // What docs/decisions/0016 asks of production: the portal connects as a role that does not own the tables.
        var role = "esim_app_" + Guid.NewGuid().ToString("N")[..12];
        var password = Guid.NewGuid().ToString("N");
        await using (var owner = new NpgsqlConnection(portal.Database.ConnectionString))
        {
            await owner.OpenAsync();
            await using var grant = new NpgsqlCommand(
                $"CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT USAGE ON SCHEMA public TO {role}; GRANT SELECT, INSERT ON audit_entries TO {role};", owner);
            await grant.ExecuteNonQueryAsync();
        }
        try
        {
            var asApp = new NpgsqlConnectionStringBuilder(portal.Database.ConnectionString) { Username = role, Password = password, Pooling = false }.ConnectionString;
            await using var app = new NpgsqlConnection(asApp);
            await app.OpenAsync();
            async Task<string?> RunAsync(string sql)
            {
                try
                {
                    await using var command = new NpgsqlCommand(sql, app);
                    await command.ExecuteNonQueryAsync();
                    return null;
                }
                catch (PostgresException ex)
                {
                    return ex.SqlState;
                }
            }

            Assert.Null(await RunAsync("INSERT INTO audit_entries (at, action) VALUES (now(), 'test.appended-by-the-app')"));
            foreach (var sql in new[]
            {
                "UPDATE audit_entries SET action = 'x'",
                "DELETE FROM audit_entries",
                "TRUNCATE audit_entries",
                "ALTER TABLE audit_entries DISABLE TRIGGER USER",
                "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only",
                "DROP TRIGGER audit_entries_append_only ON audit_entries",
                "SET session_replication_role = replica",
            })
            {
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, await RunAsync(sql));
            }
            Assert.Single(await EntriesAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var owner = new NpgsqlConnection(portal.Database.ConnectionString);
            await owner.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP OWNED BY {role}; DROP ROLE {role};", owner);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task The_migrated_schema_has_the_append_only_triggers()
    {
        await using var connection = new NpgsqlConnection(portal.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entries'::regclass AND NOT tgisinternal AND tgenabled = 'O' ORDER BY tgname", connection);
        var triggers = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                triggers.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["audit_entries_append_only", "audit_entries_no_truncate"], triggers);
    }
}
