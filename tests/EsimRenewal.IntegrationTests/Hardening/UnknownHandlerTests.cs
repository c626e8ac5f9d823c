using System.Net;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;

namespace EsimRenewal.IntegrationTests.Hardening;

/// <summary>
/// A request that names no handler of a page (a POST to a page that only shows, <c>?handler=</c> naming
/// nothing, the form's query typed into the path) is refused with 404 or 405: Razor Pages would otherwise
/// render the page with nothing loaded, which is a 500.
/// </summary>
public sealed class UnknownHandlerTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    /// <summary>Error pages render for any method; signing out would end the session the test posts with.</summary>
    private static readonly string[] Skipped = ["/Error", "/Status", "/Account/Logout"];

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        var scenario = new VoucherScenario(portal.Factory);
        await scenario.AdminWithTwoFactorAsync("boss@example.com");
        // /plans/month shows a real plan, so a page rendered without its handler would fail on it.
        await scenario.PlanAsync("month", 30, SimKinds.Both);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_page_refuses_a_handler_it_does_not_have()
    {
        var admin = await portal.Factory.SignedInAsync("boss@example.com", VoucherScenario.Password);
        var token = (await admin.GetDocumentAsync("/account/logout")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var handlers = PageHandlers.All(portal.Factory);
        // A page with a plain OnPost runs it for a handler name it does not know (Razor Pages' own fallback): a 200 there is fine.
        var withDefaultPost = handlers.Where(h => h.Method == "POST" && h.Name.Length == 0).Select(h => h.Page).ToHashSet();
        var pages = handlers.Where(h => !Skipped.Contains(h.Page)).DistinctBy(h => h.Page).ToList();
        Assert.Contains(pages, p => p.Page == "/Plans/Details");
        var problems = new List<string>();

        foreach (var page in pages)
        {
            var path = (page with { Name = "" }).Url(Fill);
            var posts = new[] { path, path + "?handler=NoSuchHandler", path + "%3Fhandler=Buy" };
            foreach (var url in posts)
            {
                using var response = await admin.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
                if (response.StatusCode is HttpStatusCode.InternalServerError || (response.StatusCode == HttpStatusCode.OK && !withDefaultPost.Contains(page.Page)))
                {
                    problems.Add($"POST {url}: {(int)response.StatusCode}");
                }
            }
            using var get = await admin.GetAsync(path + "?handler=NoSuchHandler");
            if (get.StatusCode is HttpStatusCode.InternalServerError)
            {
                problems.Add($"GET {path}?handler=NoSuchHandler: 500");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string Fill(string parameter) =>
        parameter.Contains(":int", StringComparison.Ordinal) ? "404" : parameter.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "month";
}
