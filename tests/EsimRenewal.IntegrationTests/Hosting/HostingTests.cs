using System.Net;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Hosting;

public sealed class HostingTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Health_answers_200_when_the_database_answers()
    {
        var response = await portal.Factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Health_answers_503_once_the_database_is_gone()
    {
        var database = await TestDatabase.CreateAsync();
        await using var factory = new PortalFactory(database);
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);

        await database.DisposeAsync(); // drops the database under the running portal

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Every_page_carries_the_security_headers()
    {
        var response = await portal.Factory.CreateClient().GetAsync("/");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task An_unhandled_error_shows_a_request_id_and_no_stack_trace()
    {
        // Outside Development (the test hosts' environment) errors show the error page, never the exception.
        await using var production = new ProductionPortalFactory(portal.Database, TestCertificate.Create());
        await using var factory = production.WithWebHostBuilder(b => b.ConfigureServices(services =>
            services.AddSingleton<IStartupFilter>(new ThrowingEndpoint())));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");

        var response = await client.GetAsync("/test/throw");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal("エラーが発生しました", page.Text("h1"));
        Assert.False(string.IsNullOrWhiteSpace(page.Text("[data-testid=request-id]")));
        Assert.DoesNotContain("Boom from a test", html);
        Assert.DoesNotContain("at EsimRenewal", html);
    }

    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/test/throw", b => b.Run(_ => throw new InvalidOperationException("Boom from a test")));
        };
    }
}
