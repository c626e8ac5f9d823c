using System.Net;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Accounts;

/// <summary>
/// <c>/account/profile</c>: email and mobile number (either signs in, each unique), the language of
/// emails, the password, and deleting the account (SIMs detach, orders lose their personal data).
/// </summary>
public sealed class ProfileTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string form, Dictionary<string, string> values) =>
        await client.SubmitAsync(await client.GetDocumentAsync("/account/profile"), $"[data-testid={form}]", values);

    private async Task<HttpResponseMessage> SignInAsync(string identifier, string password = Travellers.Password)
    {
        var client = portal.Factory.NewBrowser();
        return await client.SubmitAsync(await client.GetDocumentAsync("/account/login"), "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Password"] = password,
        });
    }

    [Fact]
    public async Task An_account_registered_with_a_phone_number_adds_an_email_and_signs_in_with_either()
    {
        var (client, userId) = await portal.Factory.SignUpAsync("090-1234-5678");

        var saved = await SubmitAsync(client, "contact-form", new() { ["Input.Email"] = "Mei@Example.com", ["Input.Phone"] = "090-1234-5678" });

        Assert.True(saved.IsRedirect());
        await using var db = portal.Database.NewContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        Assert.Equal(("mei@example.com", "+819012345678", "mei@example.com"), (user.Email, user.PhoneNumber, user.UserName));
        Assert.True((await SignInAsync("mei@example.com")).IsRedirect());
        Assert.True((await SignInAsync("+81 90-1234-5678")).IsRedirect());
        Assert.Equal("mei@example.com", (await client.GetDocumentAsync("/account/profile")).QuerySelector("[data-testid=email]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task An_email_or_number_of_another_account_is_refused_and_nothing_changes()
    {
        await portal.Factory.SignUpAsync("taken@example.com");
        await portal.Factory.SignUpAsync("080-1111-2222");
        var (client, userId) = await portal.Factory.SignUpAsync("mine@example.com");

        var email = await HtmlForms.ParseAsync(await SubmitAsync(client, "contact-form", new() { ["Input.Email"] = "TAKEN@example.com", ["Input.Phone"] = "" }));
        var phone = await HtmlForms.ParseAsync(await SubmitAsync(client, "contact-form", new() { ["Input.Email"] = "mine@example.com", ["Input.Phone"] = "+81 80 1111 2222" }));
        var neither = await HtmlForms.ParseAsync(await SubmitAsync(client, "contact-form", new() { ["Input.Email"] = "", ["Input.Phone"] = "" }));
        var junkResponse = await SubmitAsync(client, "contact-form", new() { ["Input.Email"] = new string('a', 20_000), ["Input.Phone"] = "\u202e090\u0007" });
        Assert.Equal(HttpStatusCode.OK, junkResponse.StatusCode);
        var junk = await HtmlForms.ParseAsync(junkResponse);
        var nul = await SubmitAsync(client, "contact-form", new() { ["Input.Email"] = "a\u0000@example.com", ["Input.Phone"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode); // a NUL never reaches the page (the server refuses the form)

        Assert.Contains("Another account already uses this email address.", email.Errors());
        Assert.Contains("Another account already uses this mobile number.", phone.Errors());
        Assert.Contains("An account needs an email address or a mobile number to sign in with.", neither.Errors());
        Assert.Contains("That is not a valid email address.", junk.Errors());
        Assert.Contains("That is not a valid mobile number. Add the country code for non-Japanese numbers, e.g. +86 138 0013 8000.", junk.Errors());
        await using var db = portal.Database.NewContext();
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
        Assert.Equal(("mine@example.com", (string?)null), (user.Email, user.PhoneNumber));
    }

    [Fact]
    public async Task The_language_chosen_is_kept_for_emails_and_used_by_the_site()
    {
        var (client, userId) = await portal.Factory.SignUpAsync("lang@example.com");

        Assert.True((await SubmitAsync(client, "language-form", new() { ["Input.Culture"] = "ja" })).IsRedirect());
        var refused = await SubmitAsync(client, "language-form", new() { ["Input.Culture"] = "fr" });

        await using var db = portal.Database.NewContext();
        Assert.Equal("ja", (await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId)).PreferredCulture);
        Assert.Equal("ja", (await client.GetDocumentAsync("/account/profile")).DocumentElement.GetAttribute("lang"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task The_password_changes_only_with_the_current_one()
    {
        var (client, _) = await portal.Factory.SignUpAsync("pw@example.com");

        var wrong = await HtmlForms.ParseAsync(await SubmitAsync(client, "password-form", new()
        {
            ["Input.CurrentPassword"] = "not my password", ["Input.NewPassword"] = "a brand new password", ["Input.ConfirmPassword"] = "a brand new password",
        }));
        var changed = await SubmitAsync(client, "password-form", new()
        {
            ["Input.CurrentPassword"] = Travellers.Password, ["Input.NewPassword"] = "a brand new password", ["Input.ConfirmPassword"] = "a brand new password",
        });

        Assert.Contains("The account or password is not correct.", wrong.Errors());
        Assert.True(changed.IsRedirect());
        Assert.False((await SignInAsync("pw@example.com")).IsRedirect());
        Assert.True((await SignInAsync("pw@example.com", "a brand new password")).IsRedirect());
    }

    [Fact]
    public async Task Deleting_the_account_detaches_its_sims_keeps_its_orders_without_personal_data_and_frees_its_email()
    {
        var (client, userId) = await portal.Factory.SignUpAsync("leaving@example.com");
        Order order;
        await using (var db = portal.Database.NewContext())
        {
            var plan = TestData.Plan("month", 30, 3980, SimKinds.Both);
            var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000801"), SimPin.Hash("2468"), TestData.Epoch);
            sim.AssignTo(userId, TestData.Epoch);
            order = TestOrders.FulfilledRenewal(sim, plan.Versions.Single(), userId, "leaving@example.com", TestData.Epoch);
            db.AddRange(plan, sim, order);
            await db.SaveChangesAsync();
            await Core.Notifications.EmailOutbox.EnqueueConfirmationAsync(db, order, TestData.Epoch, default);
            await db.SaveChangesAsync();
        }

        var wrong = await HtmlForms.ParseAsync(await SubmitAsync(client, "delete-form", new() { ["Input.DeletePassword"] = "nope" }));
        Assert.Contains("The account or password is not correct.", wrong.Errors());
        var deleted = await SubmitAsync(client, "delete-form", new() { ["Input.DeletePassword"] = Travellers.Password });

        Assert.True(deleted.IsRedirect());
        await using var check = portal.Database.NewContext();
        Assert.False(await check.Users.AnyAsync(u => u.Id == userId));
        var sim2 = await check.Sims.AsNoTracking().SingleAsync();
        Assert.Equal((null, null), (sim2.OwnerId, sim2.OwnedSince));
        var kept = await check.Orders.AsNoTracking().SingleAsync();
        Assert.Equal((order.Id, (string?)null, "", order.Amount, OrderState.Fulfilled), (kept.Id, kept.UserId, kept.Email, kept.Amount, kept.State));
        var confirmation = await check.OutgoingEmails.AsNoTracking().SingleAsync();
        Assert.Equal("", confirmation.Recipient);
        Assert.NotNull(confirmation.DiscardedAt); // never sent to an account that is gone
        Assert.True((await client.GetAsync("/sims")).IsRedirect()); // signed out
        // The email is free again, and the SIM can be added again with its PIN.
        var (again, againId) = await portal.Factory.SignUpAsync("leaving@example.com");
        var added = await again.SubmitAsync(await again.GetDocumentAsync("/sims/add"), "[data-testid=add-sim-form]", new Dictionary<string, string>
        {
            ["Input.Iccid"] = "8981100000000008013",
            ["Input.Pin"] = "2468",
        });
        Assert.True(added.IsRedirect());
    }

    [Fact]
    public async Task The_only_admin_cannot_delete_their_account_until_another_admin_exists()
    {
        var scenario = new VoucherScenario(portal.Factory);
        var admin = await scenario.AdminWithTwoFactorAsync("boss@example.com");
        var client = await portal.Factory.SignedInClientAsync("boss@example.com");
        var form = new Dictionary<string, string> { ["Input.DeletePassword"] = VoucherScenario.Password };

        var refused = await HtmlForms.ParseAsync(await SubmitAsync(client, "delete-form", form));
        Assert.Contains("You are the only admin: make another account an admin before deleting yours.", refused.Errors());
        Assert.Equal("boss@example.com", refused.QuerySelector("[data-testid=email]")?.GetAttribute("value")); // the saved email, not an empty field
        await using (var db = portal.Database.NewContext())
        {
            Assert.True(await db.Users.AnyAsync(u => u.Id == admin.Id));
        }
        await scenario.UserAsync("deputy@example.com", Core.Identity.Roles.Admin);
        var deleted = await SubmitAsync(client, "delete-form", form);

        Assert.True(deleted.IsRedirect());
        await using var check = portal.Database.NewContext();
        Assert.False(await check.Users.AnyAsync(u => u.Id == admin.Id));
    }
}
