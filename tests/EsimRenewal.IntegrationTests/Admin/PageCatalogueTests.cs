using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>
/// The page catalogue (Infrastructure/PageCatalogue.cs) that the browser tour walks through: it lists
/// every Razor Page of the portal, each sample URL shows its page to the audience it names, and the
/// audience is true (the visitor one step below it is turned away).
/// </summary>
public sealed class PageCatalogueTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private PageSamples _samples = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        _samples = await PageSamples.SeedAsync(portal.Factory);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The view path of every Razor Page the running portal serves (partials excluded).</summary>
    private IReadOnlyList<string> RazorPages() => portal.Factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items
        .OfType<PageActionDescriptor>()
        .Select(p => p.ViewEnginePath)
        .Where(p => !Path.GetFileName(p).StartsWith('_'))
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToList();

    [Fact]
    public void Every_razor_page_is_in_the_page_catalogue()
    {
        var pages = RazorPages();
        var listed = PageCatalogue.All.Select(p => p.Page).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("/Admin/Users/Details", pages);
        var missing = pages.Where(p => !listed.Contains(p)).ToList();
        Assert.True(missing.Count == 0,
            $"Pages missing from tests/EsimRenewal.IntegrationTests/Infrastructure/PageCatalogue.cs (add each with its audience and a sample URL): {string.Join(", ", missing)}");
        var gone = listed.Where(p => !pages.Contains(p)).ToList();
        Assert.True(gone.Count == 0, $"The page catalogue lists pages that no longer exist: {string.Join(", ", gone)}");
        Assert.All(PageCatalogue.All.Where(p => p.Url is null), p => Assert.False(string.IsNullOrWhiteSpace(p.Reason), $"{p} has no sample and no reason"));
    }

    [Fact]
    public async Task Every_sample_shows_its_page_to_its_audience_in_the_asked_language()
    {
        var clients = new Dictionary<Audience, HttpClient>();
        foreach (var page in PageCatalogue.Screens)
        {
            if (!clients.TryGetValue(page.Audience, out var client))
            {
                client = clients[page.Audience] = PageSamples.AccountFor(page.Audience) is { } account
                    ? await portal.Factory.SignedInAsync(account, PageSamples.Password, "ja")
                    : portal.Factory.NewBrowser("ja");
            }

            var (response, document) = await VisitAsync(client, page);

            Assert.True((int)response.StatusCode == page.Status, $"{page} answered {(int)response.StatusCode} to its audience ({page.Audience}), not {page.Status}");
            Assert.Equal("ja", document.DocumentElement.GetAttribute("lang"));
            Assert.NotNull(document.QuerySelector("h1"));
            Assert.EndsWith("さくらデータSIM", document.Title, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_visitor_one_step_below_a_pages_audience_is_turned_away()
    {
        var below = new Dictionary<Audience, (HttpClient Client, string SentTo)>
        {
            [Audience.Traveller] = (portal.Factory.NewBrowser(), "/account/login"),
            [Audience.Staff] = (await portal.Factory.SignedInAsync(PageSamples.TravellerEmail, PageSamples.Password), "/account/access-denied"),
            [Audience.Admin] = (await portal.Factory.SignedInAsync(PageSamples.StaffEmail, PageSamples.Password), "/account/access-denied"),
        };
        foreach (var page in PageCatalogue.Screens.Where(p => p.Audience != Audience.Anonymous))
        {
            var (client, sentTo) = below[page.Audience];
            var response = await client.GetAsync(page.Url!(_samples));

            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains(sentTo, StringComparison.Ordinal),
                $"{page} is listed for {page.Audience} but answered {(int)response.StatusCode} {response.Headers.Location} one step below");
        }
    }

    [Fact]
    public async Task No_page_carries_inline_style_or_script_which_the_content_security_policy_would_block()
    {
        var clients = new Dictionary<Audience, HttpClient>();
        foreach (var page in PageCatalogue.Screens)
        {
            if (!clients.TryGetValue(page.Audience, out var client))
            {
                client = clients[page.Audience] = PageSamples.AccountFor(page.Audience) is { } account
                    ? await portal.Factory.SignedInAsync(account, PageSamples.Password)
                    : portal.Factory.NewBrowser();
            }

            var (_, document) = await VisitAsync(client, page);

            Assert.Empty(document.QuerySelectorAll("[style]").Select(e => $"{page}: {e.OuterHtml[..Math.Min(120, e.OuterHtml.Length)]}"));
            Assert.Empty(document.QuerySelectorAll("script:not([src])").Select(e => $"{page}: inline script"));
            Assert.Empty(document.All.SelectMany(e => e.Attributes).Where(a => a.Name.StartsWith("on", StringComparison.Ordinal)).Select(a => $"{page}: {a.Name}"));
            Assert.Empty(document.QuerySelectorAll("[href^='javascript:']").Select(e => $"{page}: javascript: link"));
        }
    }

    /// <summary>Opens the page's sample like a browser: its URL, then its action (fields by data-testid, the button pressed), redirects followed.</summary>
    private async Task<(HttpResponseMessage Response, IHtmlDocument Document)> VisitAsync(HttpClient client, CataloguedPage page)
    {
        var response = await FollowAsync(client, await client.GetAsync(page.Url!(_samples)));
        var document = await HtmlForms.ParseAsync(response);
        if (page.Then?.Invoke(_samples) is { } action)
        {
            var button = document.QuerySelector<IHtmlButtonElement>($"[data-testid='{action.Submit}']") ?? throw new InvalidOperationException($"{page}: no button {action.Submit}");
            var form = button.Form ?? throw new InvalidOperationException($"{page}: {action.Submit} is in no form");
            form.SetAttribute("data-page-action", "submit");
            var values = action.Fill.ToDictionary(
                f => (document.QuerySelector($"[data-testid='{f.Key}']") ?? throw new InvalidOperationException($"{page}: no field {f.Key}")).GetAttribute("name")!,
                f => f.Value);
            response = await FollowAsync(client, await client.SubmitAsync(document, "form[data-page-action]", values, $"[data-testid='{action.Submit}']"));
            document = await HtmlForms.ParseAsync(response);
        }
        return (response, document);
    }

    private static async Task<HttpResponseMessage> FollowAsync(HttpClient client, HttpResponseMessage response)
    {
        for (var hops = 0; response.IsRedirect() && hops < 5; hops++)
        {
            response = await client.GetAsync(response.Headers.Location);
        }
        return response;
    }
}
