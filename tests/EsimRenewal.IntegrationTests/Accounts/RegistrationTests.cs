using System.Net;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Accounts;

public sealed class RegistrationTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient NewClient(string language = "en")
    {
        var client = portal.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, string identifier, string password, string? confirm = null)
    {
        var page = await client.GetDocumentAsync("/account/register");
        return await client.SubmitAsync(page, "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = confirm ?? password,
        });
    }

    private async Task<List<ApplicationUser>> UsersAsync()
    {
        await using var db = portal.Database.NewContext();
        return await db.Users.AsNoTracking().ToListAsync();
    }

    [Fact]
    public async Task A_traveller_registers_with_an_email_address_and_is_signed_in()
    {
        var client = NewClient();

        var response = await RegisterAsync(client, "  Mei.Lin@Example.COM ", "correct horse battery");

        Assert.True(response.IsRedirect());
        var user = Assert.Single(await UsersAsync());
        Assert.Equal("mei.lin@example.com", user.UserName);
        Assert.Equal("mei.lin@example.com", user.Email);
        Assert.Null(user.PhoneNumber);
        await using var db = portal.Database.NewContext();
        Assert.True(await db.UserRoles.AnyAsync(r => r.UserId == user.Id && db.Roles.Any(role => role.Id == r.RoleId && role.Name == Roles.Traveller)));
        var account = await client.GetAsync("/sims");
        Assert.NotEqual(HttpStatusCode.Redirect, account.StatusCode); // signed in: no bounce to the login page
    }

    [Fact]
    public async Task A_traveller_registers_with_a_japanese_mobile_number_stored_as_e164()
    {
        var response = await RegisterAsync(NewClient(), "090-1234-5678", "correct horse battery");

        Assert.True(response.IsRedirect());
        var user = Assert.Single(await UsersAsync());
        Assert.Equal("+819012345678", user.UserName);
        Assert.Equal("+819012345678", user.PhoneNumber);
        Assert.Null(user.Email);
    }

    [Fact]
    public async Task Registering_an_email_twice_in_another_case_is_refused_with_a_message()
    {
        await RegisterAsync(NewClient(), "mei@example.com", "correct horse battery");

        var response = await RegisterAsync(NewClient(), "MEI@example.com", "another password 1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Contains("An account with this email address or mobile number already exists. Please sign in.", page.Errors());
        Assert.Single(await UsersAsync());
    }

    [Fact]
    public async Task Registering_a_mobile_number_twice_in_another_format_is_refused()
    {
        await RegisterAsync(NewClient(), "090-1234-5678", "correct horse battery");

        var response = await RegisterAsync(NewClient(), "+81 90 1234 5678", "correct horse battery");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await UsersAsync());
    }

    [Theory]
    [InlineData("not-an-email@", "correct horse battery", "That is not a valid email address or mobile number.")]
    [InlineData("a@b", "correct horse battery", "That is not a valid email address or mobile number.")]
    [InlineData("12345", "correct horse battery", "That is not a valid email address or mobile number.")]
    [InlineData("03-1234-5678", "correct horse battery", "That is not a valid email address or mobile number.")]
    [InlineData("", "correct horse battery", "Enter your email address or mobile number.")]
    [InlineData("mei@example.com", "short", "The password must be 8 to 128 characters long.")]
    [InlineData("mei@example.com", "", "Enter your password.")]
    public async Task Bad_registration_input_gets_a_message_and_creates_nothing(string identifier, string password, string message)
    {
        var response = await RegisterAsync(NewClient(), identifier, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Empty(await UsersAsync());
    }

    [Fact]
    public async Task A_very_long_password_is_refused_without_a_server_error()
    {
        var response = await RegisterAsync(NewClient(), "mei@example.com", new string('x', 20_000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The password must be 8 to 128 characters long.", (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Empty(await UsersAsync());
    }

    [Fact]
    public async Task Mismatched_passwords_are_refused()
    {
        var response = await RegisterAsync(NewClient(), "mei@example.com", "correct horse battery", "correct horse batterx");

        Assert.Contains("The passwords do not match.", (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Empty(await UsersAsync());
    }

    [Fact]
    public async Task Validation_messages_come_in_the_visitors_language()
    {
        var response = await RegisterAsync(NewClient("zh-CN"), "nonsense", "correct horse battery");

        Assert.Contains("这不是有效的电子邮箱或手机号码。", (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Fact]
    public async Task A_registration_without_the_antiforgery_token_is_rejected()
    {
        var client = NewClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Identifier"] = "mei@example.com",
            ["Input.Password"] = "correct horse battery",
            ["Input.ConfirmPassword"] = "correct horse battery",
        });

        var response = await client.PostAsync("/account/register", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await UsersAsync());
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_identifier_create_one_account()
    {
        var clients = Enumerable.Range(0, 12).Select(_ => NewClient()).ToList();
        var pages = await Task.WhenAll(clients.Select(c => c.GetDocumentAsync("/account/register")));
        using var barrier = new Barrier(clients.Count);

        var responses = await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await client.SubmitAsync(pages[i], "[data-testid=register-form]", new Dictionary<string, string>
            {
                ["Input.Identifier"] = "race@example.com",
                ["Input.Password"] = "correct horse battery",
                ["Input.ConfirmPassword"] = "correct horse battery",
            });
        })));

        Assert.All(responses, r => r.AssertNotServerError());
        Assert.Single(responses, r => r.IsRedirect());
        Assert.Single(await UsersAsync());
    }
}
