using System.Net;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Accounts;

/// <summary>
/// One Identity password validator refuses the most common passwords wherever a password is set:
/// registering and changing it here, accepting an invitation in InvitationTests.
/// </summary>
public sealed class PasswordPolicyTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private const string Common = "This password is too common and easy to guess. Please choose a more unusual one (several unrelated words work well).";

    public Task InitializeAsync() => portal.Database.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, string identifier, string password)
    {
        var page = await client.GetDocumentAsync("/account/register");
        return await client.SubmitAsync(page, "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
    }

    [Fact]
    public void The_list_holds_tens_of_thousands_of_common_passwords()
    {
        var list = portal.Factory.Services.GetRequiredService<CommonPasswords>();

        Assert.True(list.Count >= 10_000, $"only {list.Count} passwords");
        Assert.True(list.Contains("password1"));
        Assert.True(list.Contains("  QWERTYUIOP ")); // case and surrounding spaces do not matter
        Assert.False(list.Contains(Travellers.Password));
    }

    [Theory]
    [InlineData("password1")]
    [InlineData("Qwerty123")]
    [InlineData("ILOVEYOU1")]
    [InlineData("mei@example.com")] // the account's own identifier
    public async Task Registering_with_a_common_password_is_refused_and_creates_nothing(string password)
    {
        var response = await RegisterAsync(portal.Factory.NewBrowser(), "mei@example.com", password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Common, (await HtmlForms.ParseAsync(response)).Errors());
        await using var db = portal.Database.NewContext();
        Assert.False(await db.Users.AnyAsync());
    }

    [Fact]
    public async Task The_refusal_is_in_the_visitors_language()
    {
        var response = await RegisterAsync(portal.Factory.NewBrowser("zh-CN"), "mei@example.com", "football");

        Assert.Contains("这个密码太常见，很容易被猜到。请换一个更独特的密码（例如由几个不相关的词组成）。", (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Fact]
    public async Task Changing_to_a_common_password_is_refused_and_the_old_one_still_signs_in()
    {
        var (client, _) = await portal.Factory.SignUpAsync("pw@example.com");
        var profile = await client.GetDocumentAsync("/account/profile");

        var response = await client.SubmitAsync(profile, "[data-testid=password-form]", new Dictionary<string, string>
        {
            ["Input.CurrentPassword"] = Travellers.Password,
            ["Input.NewPassword"] = "baseball1",
            ["Input.ConfirmPassword"] = "baseball1",
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Contains(Common, page.Errors());
        Assert.Equal(Common, page.Text("#Input_NewPassword-error")); // said at the new password, not the current one
        await portal.Factory.SignedInAsync("pw@example.com");
    }
}
