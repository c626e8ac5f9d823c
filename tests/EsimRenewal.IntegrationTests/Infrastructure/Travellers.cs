using EsimRenewal.Core.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>New people, the way a stranger starts: registering through the real form.</summary>
public static class Travellers
{
    public const string Password = "correct horse battery";

    /// <summary>A real HTTP client of a portal on Kestrel: its own cookies (or the given jar), redirects not followed.</summary>
    public static HttpClient NewHttpClient(string baseUrl, string language = "en", System.Net.CookieContainer? cookies = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new System.Net.CookieContainer() })
        {
            BaseAddress = new Uri(baseUrl),
        };
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    public static HttpClient NewBrowser(this PortalFactory portal, string language = "en")
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = portal.ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    /// <summary>Registers through /account/register; returns the signed-in client and the new account's id.</summary>
    public static async Task<(HttpClient Client, string UserId)> SignUpAsync(this PortalFactory portal, string identifier, string language = "en")
    {
        var client = portal.NewBrowser(language);
        return (client, await RegisterAsync(client, portal.Database, identifier));
    }

    /// <summary>Registers through /account/register with <paramref name="client"/>, which stays signed in; the new account's id.</summary>
    public static async Task<string> RegisterAsync(HttpClient client, TestDatabase database, string identifier)
    {
        var page = await client.GetDocumentAsync("/account/register");
        var response = await client.SubmitAsync(page, "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Password"] = Password,
            ["Input.ConfirmPassword"] = Password,
        });
        Assert.True(response.IsRedirect(), $"Registering {identifier} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.True(SignInIdentifier.TryParse(identifier, out var parsed));
        await using var db = database.NewContext();
        return await db.Users.Where(u => u.UserName == parsed.Value).Select(u => u.Id).SingleAsync();
    }

    /// <summary>
    /// Signs in an existing account through /account/login; an account with two-factor sign-in on answers
    /// the second step with its authenticator's current code (<see cref="TwoFactor"/>). Staff and admins
    /// without it are then on the enrolment page, signed in.
    /// </summary>
    public static async Task<HttpClient> SignedInAsync(this PortalFactory portal, string identifier, string password = Password, string language = "en")
    {
        var client = portal.NewBrowser(language);
        var response = await client.SubmitAsync(await client.GetDocumentAsync("/account/login"), "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = identifier,
            ["Input.Password"] = password,
        });
        Assert.True(SignInIdentifier.TryParse(identifier, out var name));
        response = await portal.AnswerSecondStepAsync(client, response, name.Value);
        Assert.True(response.IsRedirect(), $"Signing in as {identifier} failed: {(int)response.StatusCode}");
        return client;
    }
}
