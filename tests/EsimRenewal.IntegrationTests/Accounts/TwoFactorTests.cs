using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Admin;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Accounts;

/// <summary>
/// Two-factor sign-in with an authenticator app, through the real pages: enrolment with a first code,
/// recovery codes shown once and working once, the second step at sign-in, the admins' protected actions,
/// staff asked to enrol at sign-in, and the audit of it all. Codes are computed like the app does
/// (<see cref="TwoFactor.Code"/>), from the real clock that Identity's TOTP check reads.
/// </summary>
public sealed class TwoFactorTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(portal.Factory);

    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<HttpResponseMessage> PasswordStepAsync(HttpClient client, string email, bool remember = false)
    {
        var page = await client.GetDocumentAsync("/account/login");
        var values = new Dictionary<string, string> { ["Input.Identifier"] = email, ["Input.Password"] = VoucherScenario.Password };
        if (remember)
        {
            values["Input.RememberMe"] = "true";
        }
        return await client.SubmitAsync(page, "[data-testid=login-form]", values);
    }

    private static async Task<HttpResponseMessage> CodeStepAsync(HttpClient client, HttpResponseMessage afterPassword, string code)
    {
        var page = await client.GetDocumentAsync(afterPassword.Headers.Location!.OriginalString);
        return await client.SubmitAsync(page, "[data-testid=two-factor-form]", new Dictionary<string, string> { ["Input.Code"] = code });
    }

    private static async Task<HttpResponseMessage> RecoveryStepAsync(HttpClient client, HttpResponseMessage afterPassword, string code)
    {
        var page = await client.GetDocumentAsync(afterPassword.Headers.Location!.OriginalString);
        return await client.SubmitAsync(page, "[data-testid=recovery-form]", new Dictionary<string, string> { ["Input.RecoveryCode"] = code });
    }

    /// <summary>What a person does on the enrolment page: read the key (as text), type the app's first code. Returns the recovery codes shown.</summary>
    private static async Task<(IHtmlDocument Page, IReadOnlyList<string> Codes)> EnrolThroughPageAsync(HttpClient client, string url = "/account/two-factor")
    {
        var page = await client.GetDocumentAsync(url);
        var key = page.Text("[data-testid=two-factor-key]").Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.StartsWith("data:image/svg+xml;base64,", page.QuerySelector("[data-testid=two-factor-qr]")!.GetAttribute("src"), StringComparison.Ordinal);
        var response = await client.SubmitAsync(page, "[data-testid=two-factor-enable-form]", new Dictionary<string, string> { ["Input.Code"] = TwoFactor.Code(key) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var shown = await HtmlForms.ParseAsync(response);
        return (shown, shown.QuerySelectorAll("[data-testid=recovery-code]").Select(e => e.TextContent.Trim()).ToList());
    }

    private static string WrongCode(string key) => ((int.Parse(TwoFactor.Code(key), CultureInfo.InvariantCulture) + 500_000) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private async Task<IReadOnlyList<string>> AuditActionsAsync(string userId)
    {
        await using var db = portal.Database.NewContext();
        return await db.AuditEntries.AsNoTracking().Where(a => a.EntityId == userId).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
    }

    [Fact]
    public async Task With_two_factor_on_signing_in_asks_for_the_apps_code_and_refuses_a_wrong_one()
    {
        var admin = await _scenario.UserAsync("boss@example.com", Roles.Admin);
        var key = await portal.Factory.EnrolAsync(admin.Id);
        var client = portal.Factory.NewBrowser();

        var afterPassword = await PasswordStepAsync(client, "boss@example.com");
        var beforeCode = await client.GetAsync("/admin");
        var wrong = await CodeStepAsync(client, afterPassword, WrongCode(key));
        var right = await CodeStepAsync(client, afterPassword, TwoFactor.Code(key));

        Assert.StartsWith("/account/login/two-factor", afterPassword.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain(afterPassword.Headers.GetValues("Set-Cookie"), c => c.StartsWith("esim.auth=", StringComparison.Ordinal)); // not signed in yet
        Assert.True(beforeCode.IsRedirect());
        Assert.Contains("/account/login", beforeCode.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("That code is not right or has expired. Please enter the code the app shows now.", (await HtmlForms.ParseAsync(wrong)).Errors());
        Assert.Equal("/admin", right.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/vouchers")).StatusCode);
        Assert.Equal(["account.two-factor-failed", "account.signed-in"], await AuditActionsAsync(admin.Id));
    }

    [Fact]
    public async Task An_admin_without_two_factor_is_sent_to_enrol_from_voucher_generation_enrols_and_then_generates()
    {
        await _scenario.UserAsync("boss@example.com", Roles.Admin);
        var plan = await _scenario.PlanAsync("jp-7d", 7, SimKinds.Both);
        var client = portal.Factory.NewBrowser();

        var signedIn = await PasswordStepAsync(client, "boss@example.com");
        var refused = await client.GetAsync("/admin/vouchers");
        var explained = await client.GetDocumentAsync(refused.Headers.Location!.OriginalString);
        var (shown, codes) = await EnrolThroughPageAsync(client, refused.Headers.Location!.OriginalString);
        var page = await client.GetDocumentAsync("/admin/vouchers");
        var generated = await client.SubmitAsync(page, "[data-testid=generate-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = plan.ToString(),
            ["Input.Channel"] = SalesChannels.Lawson,
            ["Input.Quantity"] = "5",
            ["Input.ExpiresOn"] = Jst.DateOf(_scenario.Now).AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });

        Assert.Equal("/account/two-factor?returnUrl=%2Fadmin", signedIn.Headers.Location!.OriginalString); // asked at sign-in
        Assert.Equal("/account/two-factor?required=true&returnUrl=%2Fadmin%2Fvouchers", refused.Headers.Location!.OriginalString);
        Assert.NotNull(explained.QuerySelector("[data-testid=two-factor-required]"));
        Assert.Null(explained.QuerySelector("[data-testid=two-factor-later]")); // no "later" for a protected action
        Assert.Equal(10, codes.Count);
        Assert.All(codes, c => Assert.Matches("^[A-Z0-9]{5}-[A-Z0-9]{5}$", c));
        Assert.Equal("/admin/vouchers", shown.QuerySelector("[data-testid=two-factor-continue]")!.GetAttribute("href"));
        Assert.True(generated.IsRedirect());
        Assert.StartsWith("/admin/vouchers/", generated.Headers.Location!.OriginalString, StringComparison.Ordinal);
        await using var db = portal.Database.NewContext();
        Assert.Equal(1, await db.VoucherBatches.CountAsync());
        Assert.Contains("account.two-factor-enabled", await db.AuditEntries.Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task The_two_factor_sign_in_outlives_the_minutely_session_check()
    {
        var admin = await _scenario.AdminWithTwoFactorAsync("boss@example.com");
        var client = await portal.Factory.SignedInClientAsync("boss@example.com");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);

        portal.Factory.Clock.Advance(TimeSpan.FromMinutes(3)); // the security stamp is checked and the principal rebuilt

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/admin/users/{admin.Id}")).StatusCode);
    }

    [Fact]
    public async Task Recovery_codes_are_shown_once_and_each_signs_in_once()
    {
        var admin = await _scenario.UserAsync("boss@example.com", Roles.Admin);
        var first = portal.Factory.NewBrowser();
        await PasswordStepAsync(first, "boss@example.com");
        var (_, codes) = await EnrolThroughPageAsync(first);
        var again = await first.GetDocumentAsync("/account/two-factor");

        var phoneless = portal.Factory.NewBrowser();
        var used = await RecoveryStepAsync(phoneless, await PasswordStepAsync(phoneless, "boss@example.com"), codes[0].ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));
        var thief = portal.Factory.NewBrowser();
        var reused = await RecoveryStepAsync(thief, await PasswordStepAsync(thief, "boss@example.com"), codes[0]);
        var next = portal.Factory.NewBrowser();
        var second = await RecoveryStepAsync(next, await PasswordStepAsync(next, "boss@example.com"), codes[1]);

        Assert.Empty(again.QuerySelectorAll("[data-testid=recovery-code]")); // never shown again
        Assert.Contains("Recovery codes left: 10.", again.Text("[data-testid=two-factor-on]"));
        Assert.Equal("/admin", used.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await phoneless.GetAsync("/admin/vouchers")).StatusCode); // a recovery code is a second factor too
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("That recovery code is not right or has been used already.", (await HtmlForms.ParseAsync(reused)).Errors());
        Assert.True((await thief.GetAsync("/admin")).IsRedirect());
        Assert.True(second.IsRedirect());
        var actions = await AuditActionsAsync(admin.Id);
        Assert.Equal(2, actions.Count(a => a == "account.recovery-code-used"));
        Assert.Contains("account.two-factor-failed", actions);
        await using var db = portal.Database.NewContext();
        var lastUse = await db.AuditEntries.AsNoTracking().Where(a => a.Action == "account.recovery-code-used").OrderBy(a => a.Id).LastAsync();
        Assert.Equal(8, System.Text.Json.JsonDocument.Parse(lastUse.After!).RootElement.GetProperty("recoveryCodesLeft").GetInt32());
        var snapshots = await db.AuditEntries.AsNoTracking().Select(a => new { a.Before, a.After }).ToListAsync();
        Assert.DoesNotContain(codes[1], string.Join(" ", snapshots.Select(a => a.Before + a.After)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_are_asked_to_enrol_at_sign_in_and_may_do_it_later()
    {
        await _scenario.UserAsync("desk@example.com", Roles.Staff);
        var client = portal.Factory.NewBrowser();

        var signedIn = await PasswordStepAsync(client, "desk@example.com");
        var prompt = await client.GetDocumentAsync(signedIn.Headers.Location!.OriginalString);
        var desk = await client.GetAsync(prompt.QuerySelector("[data-testid=two-factor-later]")!.GetAttribute("href"));

        Assert.Equal("/account/two-factor?returnUrl=%2Fstaff%2Fredeem", signedIn.Headers.Location!.OriginalString);
        Assert.NotNull(prompt.QuerySelector("[data-testid=two-factor-enrol]"));
        Assert.Null(prompt.QuerySelector("[data-testid=two-factor-required]"));
        Assert.Equal(HttpStatusCode.OK, desk.StatusCode);
    }

    [Fact]
    public async Task Travellers_are_not_asked_to_enrol()
    {
        await _scenario.UserAsync("mei@example.com", Roles.Traveller);

        var signedIn = await PasswordStepAsync(portal.Factory.NewBrowser(), "mei@example.com");

        Assert.Equal("/sims", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_enrolment_page_opened_in_several_tabs_at_once_shows_one_key_in_all_of_them()
    {
        await _scenario.UserAsync("desk@example.com", Roles.Staff);
        var client = await portal.Factory.SignedInClientAsync("desk@example.com");

        var pages = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("/account/two-factor")));

        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        var keys = new HashSet<string>();
        foreach (var page in pages)
        {
            keys.Add((await HtmlForms.ParseAsync(page)).Text("[data-testid=two-factor-key]"));
        }
        Assert.Single(keys);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/two-factor")).StatusCode); // still signed in
    }

    [Fact]
    public async Task Turning_two_factor_off_needs_the_password_and_closes_the_protected_actions_again()
    {
        var admin = await _scenario.AdminWithTwoFactorAsync("boss@example.com");
        var client = await portal.Factory.SignedInClientAsync("boss@example.com");
        var page = await client.GetDocumentAsync("/account/two-factor");

        var wrong = await client.SubmitAsync(page, "[data-testid=two-factor-disable-form]", new Dictionary<string, string> { ["Input.Password"] = "not my password" });
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/vouchers")).StatusCode);
        var off = await client.SubmitAsync(page, "[data-testid=two-factor-disable-form]", new Dictionary<string, string> { ["Input.Password"] = VoucherScenario.Password });
        var vouchers = await client.GetAsync("/admin/vouchers");

        Assert.Contains("The account or password is not correct.", (await HtmlForms.ParseAsync(wrong)).Errors());
        Assert.True(off.IsRedirect());
        Assert.StartsWith("/account/two-factor?required=true", vouchers.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.False((await portal.Database.ReloadUserAsync(admin.Id)).TwoFactorEnabled);
        Assert.Contains("account.two-factor-reset", await AuditActionsAsync(admin.Id));
        // Signing in again asks for no code, and the page offers a new key.
        var fresh = portal.Factory.NewBrowser();
        Assert.Equal("/account/two-factor?returnUrl=%2Fadmin", (await PasswordStepAsync(fresh, "boss@example.com")).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_admin_resets_the_two_factor_sign_in_of_someone_who_lost_their_phone()
    {
        await _scenario.AdminWithTwoFactorAsync("boss@example.com");
        var staff = await _scenario.UserAsync("desk@example.com", Roles.Staff);
        await portal.Factory.EnrolAsync(staff.Id);
        var admin = await portal.Factory.SignedInClientAsync("boss@example.com");
        var page = await admin.GetDocumentAsync($"/admin/users/{staff.Id}");

        var reset = await admin.SubmitAsync(page, "[data-testid=reset-two-factor-form]", new Dictionary<string, string>());

        Assert.True(reset.IsRedirect());
        Assert.False((await portal.Database.ReloadUserAsync(staff.Id)).TwoFactorEnabled);
        Assert.Contains("user.two-factor-reset", await AuditActionsAsync(staff.Id));
        Assert.Equal("/account/two-factor?returnUrl=%2Fstaff%2Fredeem", (await PasswordStepAsync(portal.Factory.NewBrowser(), "desk@example.com")).Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("abcdef")]
    [InlineData("1234567")]
    [InlineData("12 34 5")]
    public async Task A_malformed_code_gets_a_message_and_counts_nothing(string code)
    {
        var admin = await _scenario.UserAsync("boss@example.com", Roles.Admin);
        await portal.Factory.EnrolAsync(admin.Id);
        var client = portal.Factory.NewBrowser();

        var response = await CodeStepAsync(client, await PasswordStepAsync(client, "boss@example.com"), code);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Please enter the 6 digits your authenticator app shows.", (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Equal(0, (await portal.Database.ReloadUserAsync(admin.Id)).AccessFailedCount);
    }

    [Fact]
    public async Task The_second_step_without_a_password_step_sends_back_to_sign_in()
    {
        var response = await portal.Factory.NewBrowser().GetAsync("/account/login/two-factor");

        Assert.True(response.IsRedirect());
        Assert.StartsWith("/account/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
