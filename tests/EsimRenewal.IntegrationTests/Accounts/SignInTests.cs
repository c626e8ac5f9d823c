using System.Net;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Accounts;

public sealed class SignInTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private const string Password = "correct horse battery";

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        foreach (var identifier in new[] { "mei@example.com", "080-1111-2222" })
        {
            var client = NewClient();
            var page = await client.GetDocumentAsync("/account/register");
            var response = await client.SubmitAsync(page, "[data-testid=register-form]", new Dictionary<string, string>
            {
                ["Input.Identifier"] = identifier,
                ["Input.Password"] = Password,
                ["Input.ConfirmPassword"] = Password,
            });
            Assert.True(response.IsRedirect());
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient NewClient(string language = "en")
    {
        var client = portal.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string identifier, string password)
    {
        var page = await client.GetDocumentAsync("/account/login");
        return await client.SubmitAsync(page, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Password"] = password,
        });
    }

    [Theory]
    [InlineData("mei@example.com")]
    [InlineData("MEI@EXAMPLE.COM")]
    [InlineData("080-1111-2222")]
    [InlineData("+81 80 1111 2222")]
    [InlineData("08011112222")]
    public async Task A_traveller_signs_in_with_email_or_mobile_number_in_any_format(string identifier)
    {
        var client = NewClient();

        var response = await SignInAsync(client, identifier, Password);

        Assert.True(response.IsRedirect());
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("esim.auth=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mei@example.com", "wrong password")]
    [InlineData("nobody@example.com", Password)]
    public async Task A_wrong_password_or_unknown_account_gets_one_neutral_message(string identifier, string password)
    {
        var response = await SignInAsync(NewClient(), identifier, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The account or password is not correct.", (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_even_for_the_right_password()
    {
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(NewClient(), "mei@example.com", "wrong password " + i);
        }

        var response = await SignInAsync(NewClient(), "mei@example.com", Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Too many failed sign-ins: the account is locked for a while. Please try again in 15 minutes.", (await HtmlForms.ParseAsync(response)).Errors());
        await using var db = portal.Database.NewContext();
        var user = await db.Users.SingleAsync(u => u.UserName == "mei@example.com");
        Assert.NotNull(user.LockoutEnd);
    }

    [Fact]
    public async Task The_lockout_message_is_localised()
    {
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(NewClient(), "mei@example.com", "wrong password " + i);
        }

        var response = await SignInAsync(NewClient("ja"), "mei@example.com", Password);

        Assert.Contains("ログインの失敗が続いたため、アカウントを一時的にロックしました。15分後にもう一度お試しください。", (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    public async Task A_remember_me_value_that_is_not_a_bool_is_read_as_unticked(string value)
    {
        var client = NewClient();
        var page = await client.GetDocumentAsync("/account/login");

        var wrong = await client.SubmitAsync(page, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "mei@example.com",
            ["Input.Password"] = "wrong password",
            ["Input.RememberMe"] = value,
        });
        var right = await client.SubmitAsync(page, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "mei@example.com",
            ["Input.Password"] = Password,
            ["Input.RememberMe"] = value,
        });

        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("The account or password is not correct.", (await HtmlForms.ParseAsync(wrong)).Errors());
        Assert.True(right.IsRedirect());
    }

    [Fact]
    public async Task A_malformed_identifier_is_refused_before_any_lookup()
    {
        var response = await SignInAsync(NewClient(), "not an email", Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("That is not a valid email address or mobile number.", (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var client = NewClient();
        await SignInAsync(client, "mei@example.com", Password);
        var home = await client.GetDocumentAsync("/sims");
        var confirm = await client.GetDocumentAsync(home.QuerySelector("[data-testid=sign-out]")!.GetAttribute("href")!);

        await client.SubmitAsync(confirm, "[data-testid=logout-form]", new Dictionary<string, string>());
        var sims = await client.GetAsync("/sims");

        Assert.Equal(HttpStatusCode.Redirect, sims.StatusCode);
        Assert.StartsWith("/account/login", sims.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_sign_out_link_only_asks_and_a_signed_in_page_carries_no_form()
    {
        var client = NewClient();
        await SignInAsync(client, "mei@example.com", Password);

        var sims = await client.GetDocumentAsync("/sims");
        var confirm = await client.GetDocumentAsync("/account/logout");

        // The header links to the question: a page without forms of its own mints no antiforgery token.
        Assert.Equal("A", sims.QuerySelector("[data-testid=sign-out]")!.TagName);
        Assert.Null(sims.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.NotNull(confirm.QuerySelector("[data-testid=logout-form] input[name=__RequestVerificationToken]"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/sims")).StatusCode); // asking did not sign out

        // Without the form's token the POST changes nothing.
        using var forged = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/sims")).StatusCode);
    }
}
