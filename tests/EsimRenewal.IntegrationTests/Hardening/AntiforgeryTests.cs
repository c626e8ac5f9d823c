using System.Net;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Hardening;

/// <summary>
/// Every POST handler of every page, found by reflection, refuses a request without the antiforgery
/// token of the visitor's session (400) even for a signed-in admin, and a token from another session
/// is refused too. The only POST endpoint outside the pages is Stripe's signed webhook.
/// </summary>
public sealed class AntiforgeryTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    /// <summary>Error pages re-executed for a failed POST; their handlers only render the message.</summary>
    private static readonly string[] RenderOnly = ["/Error", "/Status"];

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await new VoucherScenario(portal.Factory).AdminWithTwoFactorAsync("boss@example.com");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private IEnumerable<PageHandler> PostHandlers() =>
        PageHandlers.All(portal.Factory).Where(h => h.Method == "POST" && !RenderOnly.Contains(h.Page));

    private static string Fill(string parameter) => parameter.Contains(":int", StringComparison.Ordinal) ? "404" : Guid.NewGuid().ToString();

    [Fact]
    public async Task Every_post_handler_refuses_a_request_without_the_sessions_token()
    {
        var admin = await portal.Factory.SignedInAsync("boss@example.com", VoucherScenario.Password);
        var stranger = portal.Factory.NewBrowser();
        var foreignToken = (await stranger.GetDocumentAsync("/account/login")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var handlers = PostHandlers().ToList();
        Assert.Contains(handlers, h => h.Page == "/Admin/Orders/Details" && h.Name == "Refund");
        Assert.Contains(handlers, h => h.Page == "/Account/Login" && h.Name == "");

        foreach (var handler in handlers)
        {
            var url = handler.Url(Fill);
            using var missing = await admin.PostAsync(url, new FormUrlEncodedContent([]));
            using var foreign = await admin.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = foreignToken }));

            Assert.True(missing.StatusCode == HttpStatusCode.BadRequest, $"{handler} without a token answered {(int)missing.StatusCode}");
            Assert.True(foreign.StatusCode == HttpStatusCode.BadRequest, $"{handler} with another session's token answered {(int)foreign.StatusCode}");
        }
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("\0<script>alert(1)</script>")]
    [InlineData("%%%")]
    public async Task A_garbled_token_gets_the_400_page_in_the_visitors_language(string token)
    {
        var client = portal.Factory.NewBrowser();
        client.DefaultRequestHeaders.AcceptLanguage.Clear();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh-CN");
        await client.GetDocumentAsync("/account/login");

        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Identifier"] = token,
            ["Input.Anything"] = token,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal("400", page.QuerySelector("[data-testid=status-page]")!.GetAttribute("data-status"));
        Assert.Equal("请求无效", page.Text("[data-testid=status-title]"));
    }

    [Fact]
    public void The_only_post_endpoint_outside_the_pages_is_the_signed_stripe_webhook()
    {
        var posts = portal.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        Assert.Equal(["/stripe/webhook"], posts);
    }
}
