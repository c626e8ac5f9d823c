using System.Net;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Hosting;

/// <summary>
/// Outside Development the Data Protection keys (behind every cookie) are encrypted in the database with
/// the configured certificate: instances with the certificate share them, a database dump alone is useless.
/// </summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private readonly TestCertificate _certificate = TestCertificate.Create();
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static HttpClient Browser(WebApplicationFactory<Program> portal, System.Net.CookieContainer cookies)
    {
        var client = portal.CreateDefaultClient(new Uri("https://" + ProductionPortalFactory.Host), new CookieContainerHandler(cookies));
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return client;
    }

    /// <summary>Registers on <paramref name="portal"/>; the signed-in cookies end up in the returned container.</summary>
    private static async Task<System.Net.CookieContainer> SignedInOnAsync(WebApplicationFactory<Program> portal)
    {
        var cookies = new System.Net.CookieContainer();
        var browser = Browser(portal, cookies);
        var registered = await browser.SubmitAsync(await browser.GetDocumentAsync("/account/register"), "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "keys@example.com",
            ["Input.Password"] = Travellers.Password,
            ["Input.ConfirmPassword"] = Travellers.Password,
        });
        Assert.True(registered.IsRedirect(), $"{(int)registered.StatusCode}");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/sims")).StatusCode);
        return cookies;
    }

    private static async Task<HttpStatusCode> SimsPageStatusAsync(WebApplicationFactory<Program> portal, System.Net.CookieContainer cookies) =>
        (await Browser(portal, cookies).GetAsync("/sims")).StatusCode;

    [Fact]
    public async Task Keys_are_stored_encrypted_and_another_instance_with_the_certificate_reads_the_cookies()
    {
        await using var first = new ProductionPortalFactory(_database, _certificate);
        var cookies = await SignedInOnAsync(first);

        await using (var db = _database.NewContext())
        {
            var keys = await db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.DoesNotContain("<masterKey", xml);
                Assert.Contains("<encryptedSecret", xml);
                Assert.Contains("EncryptedXmlDecryptor", xml);
            });
        }

        await using var second = new ProductionPortalFactory(_database, _certificate);
        Assert.Equal(HttpStatusCode.OK, await SimsPageStatusAsync(second, cookies));
    }

    [Fact]
    public async Task Neither_another_certificate_nor_the_database_alone_can_read_the_cookies()
    {
        await using var first = new ProductionPortalFactory(_database, _certificate);
        var cookies = await SignedInOnAsync(first);

        await using var otherCertificate = new ProductionPortalFactory(_database, TestCertificate.Create());
        await using var noCertificate = new PortalFactory(_database); // Development: no certificate required

        Assert.Equal(HttpStatusCode.Redirect, await SimsPageStatusAsync(otherCertificate, cookies));
        Assert.Equal(HttpStatusCode.Redirect, await SimsPageStatusAsync(noCertificate, cookies));
        Assert.Equal(HttpStatusCode.OK, await SimsPageStatusAsync(first, cookies));
    }
}
