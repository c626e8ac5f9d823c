using System.Diagnostics;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace EsimRenewal.BrowserTests.Pages;

/// <summary>
/// Every page of the page catalogue (tests/EsimRenewal.IntegrationTests/Infrastructure/PageCatalogue.cs),
/// as its audience sees it, in English, Simplified Chinese and Japanese, on a 375×812 phone and a
/// 1280×900 desktop, in a real Chromium: no axe-core violation of impact serious or critical, no
/// horizontal scrolling, tap targets of at least 44×44 px on the phone, no text in another language
/// (a resource key anywhere; English words on a Chinese or Japanese page), no console error and no
/// failed request. Each audience is one test that reports every problem it finds at once.
/// </summary>
public sealed class PageTourBrowserTests(PageTourFixture tour, ITestOutputHelper output) : IClassFixture<PageTourFixture>
{
    private static readonly (int Width, int Height) Phone = (375, 812);
    private static readonly (int Width, int Height) Desktop = (1280, 900);

    [Theory]
    [InlineData(Audience.Anonymous)]
    [InlineData(Audience.Traveller)]
    [InlineData(Audience.Staff)]
    [InlineData(Audience.Admin)]
    public async Task Every_page_is_accessible_fits_a_phone_and_reads_in_its_language(Audience audience)
    {
        var pages = PageCatalogue.Screens.Where(p => p.Audience == audience).ToList();
        Assert.NotEmpty(pages);
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();

        foreach (var entry in pages)
        {
            // The three languages side by side (one browser profile each); then the Chinese and Japanese
            // texts are compared with the English ones.
            var visits = await Task.WhenAll(PageTourFixture.Languages.Select(language => VisitAsync(entry, audience, language)));
            var english = visits.Single(v => v.Language == "en").Texts.ToHashSet(StringComparer.Ordinal);
            foreach (var visit in visits)
            {
                var found = visit.Language == "en" ? visit.Problems : visit.Problems.Concat(PageChecks.English(visit.Texts, english));
                problems.AddRange(found.Select(p => $"{entry} [{visit.Language}] {p}"));
            }
        }

        output.WriteLine($"{pages.Count} pages × {PageTourFixture.Languages.Count} languages × 2 sizes in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(problems.Count == 0, $"{problems.Count} problems:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    /// <summary>Loads one page on the phone, checks it, widens the window to the desktop and checks it again.</summary>
    private sealed record Visit(string Language, IReadOnlyList<string> Problems, IReadOnlyList<string> Texts);

    private async Task<Visit> VisitAsync(CataloguedPage entry, Audience audience, string language)
    {
        var context = await tour.ContextAsync(audience, language);
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        IReadOnlyList<string> texts = [];
        var expected = entry.Status;
        // Playwright raises page events on other threads.
        void Report(IEnumerable<string> found)
        {
            lock (problems)
            {
                problems.AddRange(found);
            }
        }
        page.Console += (_, message) =>
        {
            // A page served with its error status (404) is reported by Chromium like a failed load; the status is checked below.
            if (message.Type == "error" && !(expected >= 400 && message.Text.Contains($"status of {expected}", StringComparison.Ordinal)))
            {
                Report([$"console error: {message.Text}"]);
            }
        };
        page.PageError += (_, error) => Report([$"script error: {error}"]);
        page.RequestFailed += (_, request) => Report([$"request failed: {request.Method} {request.Url} ({request.Failure})"]);
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !(response.Request.IsNavigationRequest && response.Status == expected))
            {
                Report([$"{response.Status} for {response.Request.Method} {response.Url}"]);
            }
        };
        try
        {
            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            var response = await page.GotoAsync(entry.Url!(tour.Samples));
            if (entry.Then?.Invoke(tour.Samples) is { } action)
            {
                foreach (var (field, value) in action.Fill)
                {
                    await page.FillAsync($"[data-testid='{field}']", value);
                }
                // The page the form leads to, after any redirect.
                response = await page.RunAndWaitForResponseAsync(
                    () => page.ClickAsync($"[data-testid='{action.Submit}']"),
                    r => r.Request.IsNavigationRequest && r.Frame == page.MainFrame && r.Status is < 300 or >= 400);
                await page.WaitForLoadStateAsync(LoadState.Load);
            }
            if (response?.Status != expected)
            {
                Report([$"answered {response?.Status} instead of {expected} at {page.Url}"]);
            }
            if (await page.Locator("html").GetAttributeAsync("lang") != language)
            {
                Report([$"<html lang> is not {language}"]);
            }

            Report((await PageChecks.HorizontalOverflowAsync(page)).Select(p => $"{Phone.Width} px: {p}"));
            Report((await PageChecks.SmallTapTargetsAsync(page)).Select(p => $"{Phone.Width} px: tap target {p}"));
            Report((await PageChecks.AccessibilityAsync(page)).Select(p => $"{Phone.Width} px: {p}"));
            await PageChecks.KeepScreenshotAsync(page, entry, language, "phone");

            await page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
            Report((await PageChecks.HorizontalOverflowAsync(page)).Select(p => $"{Desktop.Width} px: {p}"));
            Report((await PageChecks.AccessibilityAsync(page)).Select(p => $"{Desktop.Width} px: {p}"));
            await PageChecks.KeepScreenshotAsync(page, entry, language, "desktop");

            texts = await PageChecks.TextsAsync(page);
            Report(PageChecks.ResourceKeys(texts));
        }
        finally
        {
            await page.CloseAsync();
        }
        lock (problems)
        {
            return new Visit(language, [.. problems], texts);
        }
    }
}
