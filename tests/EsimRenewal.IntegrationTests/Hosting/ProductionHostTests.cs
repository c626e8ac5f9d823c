using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.Web.Sims;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace EsimRenewal.IntegrationTests.Hosting;

/// <summary>A Production-configured portal behind a TLS-terminating proxy, as a deployment runs it.</summary>
public sealed class ProductionHostFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public ProductionPortalFactory Portal { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Portal = new ProductionPortalFactory(Database, TestCertificate.Create());
        _ = Portal.Server;
    }

    public async Task DisposeAsync()
    {
        await Portal.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>
/// Headers and cookies of a Production host behind a proxy: X-Forwarded-Proto and X-Forwarded-For are
/// believed from the configured proxy only; cookies are always Secure; HSTS and HTTPS redirection are on;
/// pages with personal data or secrets are never stored by a cache.
/// </summary>
public sealed class ProductionHostTests(ProductionHostFixture fixture) : IClassFixture<ProductionHostFixture>
{
    private const string Client = "198.51.100.7";
    private const string UnknownProxy = "203.0.113.50";

    private ProductionPortalFactory Portal => fixture.Portal;

    /// <summary>
    /// A browser at https://shop.test whose requests reach the portal through a proxy at <paramref name="peer"/>
    /// as plain HTTP with X-Forwarded-Proto: https and X-Forwarded-For: the browser's address.
    /// </summary>
    private HttpClient Behind(string peer)
    {
        var client = Portal.CreateDefaultClient(new Uri("https://" + ProductionPortalFactory.Host), new CookieContainerHandler(), new Proxy(peer));
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return client;
    }

    private sealed class Proxy(string peer) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var seenByBrowser = request.RequestUri!;
            request.RequestUri = new UriBuilder(seenByBrowser) { Scheme = "http", Port = 80 }.Uri;
            request.Headers.Add("X-Forwarded-Proto", seenByBrowser.Scheme);
            request.Headers.Add("X-Forwarded-For", Client);
            request.Headers.Add(ProductionPortalFactory.PeerHeader, peer);
            var response = await base.SendAsync(request, cancellationToken);
            request.RequestUri = seenByBrowser;
            return response;
        }
    }

    private static string SetCookie(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal)) is { } cookie
            ? cookie
            : throw new Xunit.Sdk.XunitException($"No {name} cookie in {(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {string.Join(" | ", response.Headers.Select(h => h.Key))}");

    private static void AssertSecure(string cookie) =>
        Assert.Contains("secure", cookie.Split(';').Select(a => a.Trim().ToLowerInvariant()));

    private static void AssertNoStore(HttpResponseMessage response) =>
        Assert.True(response.Headers.CacheControl?.NoStore == true, $"{response.RequestMessage?.RequestUri} is cacheable: {response.Headers.CacheControl}");

    [Fact]
    public async Task Through_the_known_proxy_the_portal_sees_https_and_the_browsers_address()
    {
        var response = await Behind(ProductionPortalFactory.KnownProxy).GetAsync(ProductionPortalFactory.WhoAmIPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"https {Client}", await response.Content.ReadAsStringAsync());
        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_proxy_are_ignored_and_plain_http_is_redirected()
    {
        var response = await Behind(UnknownProxy).GetAsync("/account/login?returnUrl=%2Fsims");

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("https://shop.test/account/login?returnUrl=%2Fsims", response.Headers.Location!.ToString());
        Assert.False(response.Headers.Contains("Strict-Transport-Security")); // never over plain HTTP
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_health_check_answers_over_plain_http_for_the_load_balancer()
    {
        var response = await Portal.CreateDefaultClient(new Uri("http://" + ProductionPortalFactory.Host)).GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_client_claiming_another_address_directly_is_not_believed()
    {
        var client = Portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, ProductionPortalFactory.WhoAmIPath);
        request.Headers.Add("X-Forwarded-For", Client);
        request.Headers.Add(ProductionPortalFactory.PeerHeader, UnknownProxy);

        var response = await client.SendAsync(request);

        Assert.Equal($"https {UnknownProxy}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Another_host_name_is_refused()
    {
        var client = Portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "evil.example";

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Antiforgery_auth_and_tempdata_cookies_are_secure_behind_the_proxy()
    {
        var browser = Behind(ProductionPortalFactory.KnownProxy);

        var register = await browser.GetAsync("/account/register");
        AssertSecure(SetCookie(register, "esim.af"));
        AssertNoStore(register);
        var registered = await browser.SubmitAsync(await HtmlForms.ParseAsync(register), "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "secure-cookies@example.com",
            ["Input.Password"] = Travellers.Password,
            ["Input.ConfirmPassword"] = Travellers.Password,
        });

        Assert.True(registered.IsRedirect(), $"{(int)registered.StatusCode}");
        AssertSecure(SetCookie(registered, "esim.auth"));
        AssertSecure(SetCookie(registered, ".AspNetCore.Mvc.CookieTempDataProvider"));
        var sims = await browser.GetAsync("/sims");
        Assert.Equal(HttpStatusCode.OK, sims.StatusCode); // the Secure cookies came back: the browser is signed in
        AssertNoStore(sims);
    }

    /// <summary>
    /// Pages link the fingerprinted address, and the build's static-asset manifest (which MapStaticAssets serves
    /// from; a published portal uses its publish twin, which adds Brotli) keeps that address a year, immutable,
    /// with a gzip copy. A test host runs from the build output, where ASP.NET serves the files in its development
    /// mode (no-cache, so edits show), hence the manifest is read rather than the headers.
    /// </summary>
    [Fact]
    public async Task Static_files_are_fingerprinted_compressed_and_kept_for_a_year()
    {
        var home = await Behind(ProductionPortalFactory.KnownProxy).GetDocumentAsync("/");
        var stylesheet = home.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;
        Assert.Matches(@"^/css/site\.[a-z0-9]{8,}\.css$", stylesheet);

        using var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "EsimRenewal.Web.staticwebassets.endpoints.json")));
        var endpoints = manifest.RootElement.GetProperty("Endpoints").EnumerateArray().Where(e => "/" + e.GetProperty("Route").GetString() == stylesheet).ToList();
        string Header(System.Text.Json.JsonElement endpoint, string name) =>
            endpoint.GetProperty("ResponseHeaders").EnumerateArray().Where(h => h.GetProperty("Name").GetString() == name).Select(h => h.GetProperty("Value").GetString()!).SingleOrDefault() ?? "";
        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.Equal("max-age=31536000, immutable", Header(e, "Cache-Control")));
        Assert.Contains(endpoints, e => Header(e, "Content-Encoding") == "gzip");
    }

    [Fact]
    public async Task Static_files_stay_cacheable_for_a_signed_in_browser()
    {
        var browser = Behind(ProductionPortalFactory.KnownProxy);
        var register = await browser.GetDocumentAsync("/account/register");
        var registered = await browser.SubmitAsync(register, "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "static-files@example.com",
            ["Input.Password"] = Travellers.Password,
            ["Input.ConfirmPassword"] = Travellers.Password,
        });
        Assert.True(registered.IsRedirect(), $"{(int)registered.StatusCode}");
        var sims = await browser.GetDocumentAsync("/sims");

        var response = await browser.GetAsync(sims.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.CacheControl?.NoStore ?? false, $"{response.Headers.CacheControl}"); // answered before the no-store rule for signed-in pages
    }

    [Fact]
    public async Task The_language_cookie_is_secure_behind_the_proxy()
    {
        var browser = Behind(ProductionPortalFactory.KnownProxy);

        var home = await browser.GetDocumentAsync("/");
        var switched = await browser.GetAsync(home.QuerySelector("[data-testid=lang-ja]")!.GetAttribute("href"));

        Assert.True(switched.IsRedirect(), $"{(int)switched.StatusCode}");
        AssertSecure(SetCookie(switched, "esim.culture"));
    }

    [Fact]
    public async Task The_quick_renewal_ticket_is_secure_and_the_page_is_not_stored()
    {
        var iccid = Iccid.FromBody("898110000000000654");
        await using (var db = fixture.Database.NewContext())
        {
            db.Sims.Add(Sim.RegisterPhysical(iccid, SimPin.Hash("2468"), TestData.Epoch));
            await db.SaveChangesAsync();
        }
        var browser = Behind(ProductionPortalFactory.KnownProxy);

        var page = await browser.GetAsync("/quick-renew");
        AssertNoStore(page);
        var proved = await browser.SubmitAsync(await HtmlForms.ParseAsync(page), "[data-testid=physical-form]", new Dictionary<string, string>
        {
            ["Input.Iccid"] = iccid.Value,
            ["Input.Pin"] = "2468",
        });

        Assert.True(proved.IsRedirect(), $"{(int)proved.StatusCode}");
        AssertSecure(SetCookie(proved, QuickRenewalTickets.CookieName));
        AssertNoStore(await browser.GetAsync("/quick-renew/plan"));
    }

    [Theory]
    [InlineData("/redeem")]
    [InlineData("/account/login")]
    [InlineData("/orders")]
    [InlineData("/staff/redeem")]
    [InlineData("/admin")]
    public async Task Sensitive_pages_are_never_stored_even_when_they_only_redirect_to_sign_in(string path)
    {
        var response = await Behind(ProductionPortalFactory.KnownProxy).GetAsync(path);

        AssertNoStore(response);
    }

    [Fact]
    public async Task Every_page_a_signed_in_person_sees_is_never_stored()
    {
        var (client, _) = await Portal.SignUpAsync("no-store@example.com");

        var storefront = await client.GetAsync("/");
        var legal = await client.GetAsync("/legal/commerce");

        Assert.Equal(HttpStatusCode.OK, storefront.StatusCode);
        AssertNoStore(storefront);
        AssertNoStore(legal);
    }

    [Fact]
    public async Task Public_static_files_stay_cacheable()
    {
        var response = await Behind(ProductionPortalFactory.KnownProxy).GetAsync("/css/site.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(true, response.Headers.CacheControl?.NoStore);
    }
}
