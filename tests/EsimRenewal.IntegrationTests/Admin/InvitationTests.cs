using System.Net;
using System.Text.RegularExpressions;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Notifications;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Notifications;
using EsimRenewal.IntegrationTests.Vouchers;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// Inviting staff and admins end to end: the admin's form, the email through real SMTP in the chosen
/// language, the link that sets a password and signs in once, and links that are used, expired,
/// replaced or forged.
/// </summary>
public sealed partial class InvitationTests(MailPortalFixture mail) : IClassFixture<MailPortalFixture>, IAsyncLifetime
{
    private const string NewPassword = "a fresh desk password";
    private readonly VoucherScenario _scenario = new(mail.Portal);
    private ApplicationUser _admin = null!;

    public async Task InitializeAsync()
    {
        await mail.Database.ResetAsync();
        _admin = await _scenario.AdminWithTwoFactorAsync("admin@example.com");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [GeneratedRegex(@"https://shop\.test(/account/invitation\?token=[A-Za-z0-9%_\-]+)")]
    private static partial Regex InvitationLink();

    /// <summary>The admin's invite form, submitted; returns the response.</summary>
    private async Task<HttpResponseMessage> InviteAsync(HttpClient admin, string email, string role = "Staff", string? culture = null)
    {
        var form = await admin.GetDocumentAsync("/admin/users/invite");
        var values = new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Role"] = role };
        if (culture is not null)
        {
            values["Input.Culture"] = culture;
        }
        return await admin.SubmitAsync(form, "[data-testid=invite-form]", values);
    }

    /// <summary>Sends what is queued and returns the path of the link in the newest invitation to <paramref name="email"/>.</summary>
    private async Task<(ReceivedEmail Email, string Path)> ReceiveAsync(string email, int expected = 1)
    {
        await mail.DispatchAsync();
        var messages = await mail.Catcher.MessagesToAsync(email);
        for (var i = 0; i < 50 && messages.Count < expected; i++)
        {
            await Task.Delay(100);
            messages = await mail.Catcher.MessagesToAsync(email);
        }
        Assert.Equal(expected, messages.Count);
        var received = messages[^1];
        var path = InvitationLink().Match(received.TextBody!).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(path), received.TextBody);
        Assert.Contains(System.Net.WebUtility.HtmlEncode("https://shop.test" + path), received.HtmlBody);
        return (received, path);
    }

    private static async Task<HttpResponseMessage> AcceptAsync(HttpClient browser, string path, string password = NewPassword, string? confirm = null)
    {
        var page = await browser.GetDocumentAsync(path);
        return await browser.SubmitAsync(page, "[data-testid=invitation-form]", new Dictionary<string, string>
        {
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        });
    }

    private async Task<ApplicationUser> AccountAsync(string email)
    {
        await using var db = mail.Database.NewContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
    }

    [Fact]
    public async Task An_invited_staff_member_gets_the_email_in_the_chosen_language_sets_a_password_once_and_is_signed_in()
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");

        var invited = await InviteAsync(admin, "Kenji@Example.com", "Staff", "ja");

        Assert.True(invited.IsRedirect());
        var account = await AccountAsync("kenji@example.com");
        Assert.Equal($"/admin/users/{account.Id}", invited.Headers.Location!.OriginalString);
        Assert.Equal(("ja", null, false), (account.PreferredCulture, account.PasswordHash, account.EmailConfirmed));
        Assert.Equal(["Staff"], await mail.Database.RolesOfAsync(account.Id));
        var details = await admin.GetDocumentAsync(invited.Headers.Location.OriginalString);
        Assert.Equal("invited", details.QuerySelector("[data-testid=account-state]")!.GetAttribute("data-state"));
        Assert.Contains("An invitation to kenji@example.com is on its way.", details.Text("[role=status]"));

        var (email, path) = await ReceiveAsync("kenji@example.com");
        Assert.Equal("さくらデータSIMのアカウントを設定してください", email.Subject);
        Assert.Contains("テスト通信株式会社が kenji@example.com のアカウント（権限：スタッフ）を作成しました。", email.TextBody);
        Assert.Contains($"このリンクは 1 回だけ、{Jst.Format(_scenario.Now.AddHours(48))} まで使えます。", email.TextBody);
        await using (var db = mail.Database.NewContext())
        {
            var row = await db.OutgoingEmails.AsNoTracking().SingleAsync();
            Assert.Equal((EmailKind.Invitation, account.Id, null), (row.Kind, row.UserId, row.Secret)); // no token stored
            Assert.NotNull(row.SentAt);
        }

        var browser = mail.Portal.NewBrowser("ja");
        var form = await browser.GetDocumentAsync(path);
        Assert.Contains("kenji@example.com", form.Text("[data-testid=invitation-intro]"));
        var accepted = await AcceptAsync(browser, path);

        Assert.True(accepted.IsRedirect());
        Assert.Equal("/account/two-factor?returnUrl=%2Fstaff%2Fredeem", accepted.Headers.Location!.OriginalString); // asked to turn two-factor sign-in on (0020)
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff/redeem")).StatusCode);
        account = await AccountAsync("kenji@example.com");
        Assert.NotNull(account.PasswordHash);
        Assert.True(account.EmailConfirmed);
        Assert.Equal(["Staff"], await mail.Database.RolesOfAsync(account.Id));
        var signIn = mail.Portal.NewClient();
        var signedIn = await signIn.SubmitAsync(await signIn.GetDocumentAsync("/account/login"), "[data-testid=login-form]",
            new Dictionary<string, string> { ["Input.Identifier"] = "kenji@example.com", ["Input.Password"] = NewPassword });
        Assert.Equal("/account/two-factor?returnUrl=%2Fstaff%2Fredeem", signedIn.Headers.Location!.OriginalString);

        // The link a second time: refused, and the password stays.
        var other = mail.Portal.NewBrowser("en");
        var again = await other.GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("This invitation has already been used. Sign in with the password you chose.",
            (await HtmlForms.ParseAsync(again)).Text("[data-testid=invitation-problem]"));
        var replay = await other.CraftedPostAsync("/account/login", "/account/invitation", [
            new("Input.Token", Uri.UnescapeDataString(path[(path.IndexOf('=') + 1)..])), new("Input.Password", "someone else's pick"), new("Input.ConfirmPassword", "someone else's pick")]);
        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        Assert.Equal(account.PasswordHash, (await AccountAsync("kenji@example.com")).PasswordHash);

        await using var audit = mail.Database.NewContext();
        var entries = await audit.AuditEntries.AsNoTracking().Where(a => a.EntityId == account.Id).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["user.invited", "user.invitation-accepted", "account.signed-in"], entries.Select(e => e.Action).Take(3));
        Assert.Equal(_admin.Id, entries[0].ActorId);
        Assert.Equal(account.Id, entries[1].ActorId);
        Assert.All(entries, e => Assert.DoesNotContain("token", (e.Before ?? "") + e.After, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(mail.Portal.Logs.Lines, l => l.Contains(path[(path.IndexOf('=') + 1)..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invited_admin_goes_on_to_the_dashboard_after_the_two_factor_prompt_and_the_language_defaults_to_the_admins()
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com", "zh-Hans");

        Assert.True((await InviteAsync(admin, "li@example.com", "Admin")).IsRedirect());

        var (email, path) = await ReceiveAsync("li@example.com");
        Assert.Equal("请设置您的樱花流量账户", email.Subject);
        Assert.Contains("角色：管理员", email.TextBody);
        var accepted = await AcceptAsync(mail.Portal.NewBrowser("zh-Hans"), path);
        Assert.Equal("/account/two-factor?returnUrl=%2Fadmin", accepted.Headers.Location!.OriginalString);
        Assert.Equal(["Admin"], await mail.Database.RolesOfAsync((await AccountAsync("li@example.com")).Id));
    }

    [Fact]
    public async Task A_link_older_than_48_hours_is_refused_with_a_clear_message()
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");
        await InviteAsync(admin, "late@example.com");
        var (_, path) = await ReceiveAsync("late@example.com");
        var browser = mail.Portal.NewBrowser("zh-Hans");

        mail.Portal.Clock.Advance(TimeSpan.FromHours(47));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(path)).StatusCode);
        var form = await browser.GetDocumentAsync(path);
        mail.Portal.Clock.Advance(TimeSpan.FromHours(1));
        var late = await browser.SubmitAsync(form, "[data-testid=invitation-form]", new Dictionary<string, string>
        {
            ["Input.Password"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        });
        var opened = await browser.GetAsync(path);

        foreach (var response in new[] { late, opened })
        {
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains("此邀请链接已过期（链接的有效期为 48 小时）。请联系管理员重新发送邀请。", (await HtmlForms.ParseAsync(response)).Text("[data-testid=invitation-problem]"));
        }
        Assert.Null((await AccountAsync("late@example.com")).PasswordHash);
    }

    [Fact]
    public async Task A_new_invitation_replaces_the_old_link()
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");
        await InviteAsync(admin, "again@example.com");
        var (_, oldPath) = await ReceiveAsync("again@example.com");
        var account = await AccountAsync("again@example.com");

        var details = await admin.GetDocumentAsync($"/admin/users/{account.Id}");
        Assert.True((await admin.SubmitAsync(details, "[data-testid=resend-form]", new Dictionary<string, string>())).IsRedirect());
        var (_, newPath) = await ReceiveAsync("again@example.com", expected: 2);

        var old = await mail.Portal.NewBrowser().GetAsync(oldPath);
        Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
        Assert.Contains("This invitation link is not valid.", (await HtmlForms.ParseAsync(old)).Text("[data-testid=invitation-problem]"));
        Assert.True((await AcceptAsync(mail.Portal.NewBrowser(), newPath)).IsRedirect());
        await using var db = mail.Database.NewContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "user.invitation-resent" && a.EntityId == account.Id));
    }

    [Fact]
    public async Task Locking_an_invited_account_kills_its_link_and_its_unsent_invitation()
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");
        await InviteAsync(admin, "sent@example.com");
        var (_, path) = await ReceiveAsync("sent@example.com");
        await InviteAsync(admin, "queued@example.com");
        var sent = await AccountAsync("sent@example.com");
        var queued = await AccountAsync("queued@example.com");

        foreach (var id in new[] { sent.Id, queued.Id })
        {
            Assert.True((await admin.SubmitAsync(await admin.GetDocumentAsync($"/admin/users/{id}"), "[data-testid=lock-form]", new Dictionary<string, string>())).IsRedirect());
        }
        await mail.DispatchAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await mail.Portal.NewBrowser().GetAsync(path)).StatusCode);
        await using var db = mail.Database.NewContext();
        var unsent = await db.OutgoingEmails.AsNoTracking().SingleAsync(e => e.UserId == queued.Id);
        Assert.Equal((null, true), (unsent.SentAt, unsent.DiscardedAt is not null));
        Assert.Empty(await mail.Catcher.MessagesToAsync("queued@example.com"));
    }

    [Fact]
    public async Task Someone_guessing_passwords_at_an_invited_address_does_not_keep_the_invitee_out()
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");
        await InviteAsync(admin, "guessed@example.com");
        var (_, path) = await ReceiveAsync("guessed@example.com");
        for (var i = 0; i < 6; i++)
        {
            var stranger = mail.Portal.NewClient();
            await stranger.SubmitAsync(await stranger.GetDocumentAsync("/account/login"), "[data-testid=login-form]",
                new Dictionary<string, string> { ["Input.Identifier"] = "guessed@example.com", ["Input.Password"] = "guess number " + i });
        }
        Assert.NotNull((await AccountAsync("guessed@example.com")).LockoutEnd); // Identity's lockout after failed sign-ins

        var browser = mail.Portal.NewBrowser();
        var accepted = await AcceptAsync(browser, path);

        Assert.True(accepted.IsRedirect());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff/redeem")).StatusCode);
        var account = await AccountAsync("guessed@example.com");
        Assert.Equal((null, 0), (account.LockoutEnd, account.AccessFailedCount));
        await using var db = mail.Database.NewContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "account.locked-out" && a.ActorId == account.Id));
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("")]
    public async Task A_forged_or_broken_link_is_refused_with_a_clear_message(string token)
    {
        var response = await mail.Portal.NewBrowser("ja").GetAsync("/account/invitation?token=" + Uri.EscapeDataString(token));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("この招待リンクは無効です。", (await HtmlForms.ParseAsync(response)).Text("[data-testid=invitation-problem]"));
    }

    [Fact]
    public async Task A_tampered_token_is_refused()
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");
        await InviteAsync(admin, "tamper@example.com");
        var (_, path) = await ReceiveAsync("tamper@example.com");
        var token = Uri.UnescapeDataString(path[(path.IndexOf('=') + 1)..]);
        var tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];

        var response = await mail.Portal.NewBrowser().GetAsync("/account/invitation?token=" + Uri.EscapeDataString(tampered));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null((await AccountAsync("tamper@example.com")).PasswordHash);
    }

    [Theory]
    [InlineData("short", "short", "The password must be 8 to 128 characters long.")]
    [InlineData(NewPassword, "something else entirely", "The passwords do not match.")]
    [InlineData("", "", "Enter your password.")]
    [InlineData("x20000", "x20000", "The password must be 8 to 128 characters long.")]
    [InlineData("Sunshine1", "Sunshine1", "This password is too common and easy to guess. Please choose a more unusual one (several unrelated words work well).")]
    public async Task A_bad_password_on_the_invitation_page_changes_nothing_and_says_why(string password, string confirm, string message)
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");
        var address = $"pw-{Guid.NewGuid():N}@example.com"; // the catcher keeps every case's mail
        await InviteAsync(admin, address);
        var (_, path) = await ReceiveAsync(address);
        var browser = mail.Portal.NewBrowser();
        var long20000 = new string('x', 20_000);

        var response = await AcceptAsync(browser, path, password == "x20000" ? long20000 : password, confirm == "x20000" ? long20000 : confirm);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Contains(message, page.Errors());
        Assert.NotNull(page.QuerySelector("[data-testid=invitation-form]")); // the form again, the link still good
        Assert.Null((await AccountAsync(address)).PasswordHash);
        Assert.True((await AcceptAsync(browser, path)).IsRedirect());
    }

    [Fact]
    public async Task A_post_without_a_token_or_with_a_huge_one_is_refused()
    {
        var browser = mail.Portal.NewBrowser();

        var missing = await browser.CraftedPostAsync("/account/login", "/account/invitation", [new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword)]);
        var huge = await browser.CraftedPostAsync("/account/login", "/account/invitation",
            [new("Input.Token", new string('A', 20_000)), new("Input.Password", NewPassword), new("Input.ConfirmPassword", NewPassword)]);

        foreach (var response in new[] { missing, huge })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("This invitation link is not valid.", (await HtmlForms.ParseAsync(response)).Text("[data-testid=invitation-problem]"));
        }
    }

    [Theory]
    [InlineData("not an email", "Staff", "en", "Enter a valid email address.")]
    [InlineData("", "Staff", "en", "Enter an email address.")]
    [InlineData("+81 90 1234 5678", "Staff", "en", "Enter a valid email address.")]
    [InlineData("x20000", "Staff", "en", "Enter a valid email address.")]
    [InlineData("ok@example.com", "Traveller", "en", "Choose a valid role.")]
    [InlineData("ok@example.com", "abc", "en", "Choose a valid role.")]
    [InlineData("ok@example.com", "", "en", "Choose a valid role.")]
    [InlineData("ok@example.com", "Staff", "xx", "That language is not supported.")]
    public async Task Bad_invitations_change_nothing_and_say_why(string email, string role, string culture, string message)
    {
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com");

        var response = await InviteAsync(admin, email == "x20000" ? new string('x', 20_000) + "@example.com" : email, role, culture);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).Errors());
        await using var db = mail.Database.NewContext();
        Assert.Equal(1, await db.Users.CountAsync());
        Assert.False(await db.OutgoingEmails.AnyAsync());
    }

    [Fact]
    public async Task Inviting_an_address_that_already_has_an_account_is_refused()
    {
        await mail.Portal.SignUpAsync("taken@example.com");
        var admin = await mail.Portal.SignedInClientAsync("admin@example.com", "ja");

        var response = await InviteAsync(admin, "TAKEN@example.com");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("このメールアドレスのアカウントはすでにあります。一覧から探して権限を変更してください。", (await HtmlForms.ParseAsync(response)).Errors());
        await using var db = mail.Database.NewContext();
        Assert.False(await db.OutgoingEmails.AnyAsync());
    }
}
