using System.Text.RegularExpressions;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;

namespace EsimRenewal.IntegrationTests.Localization;

/// <summary>
/// Every page of the self-service journeys renders in zh-Hans, ja and en with the page in that
/// language and no string left as a resource key (what a missing translation looks like). The
/// resource tests prove each key exists in all three languages and is translated.
/// </summary>
public sealed partial class SelfServiceLanguageTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private Sim _card = null!;
    private Sim _esim = null!;
    private Order _paid = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        var (_, owner) = await portal.Factory.SignUpAsync("owner@example.com");
        await using var db = portal.Database.NewContext();
        var plan = TestData.Plan("month", 30, 3980, SimKinds.Both);
        _card = Sim.RegisterPhysical(Iccid.FromBody("898110000000000951"), SimPin.Hash("1234"), TestData.Epoch);
        _card.AssignTo(owner, TestData.Epoch);
        _paid = TestOrders.FulfilledRenewal(_card, plan.Versions.Single(), owner, "owner@example.com", portal.Factory.Clock.GetUtcNow());
        Order esimOrder;
        (esimOrder, _esim) = TestOrders.FulfilledNewEsim(plan.Versions.Single(), owner, "owner@example.com", "898120000000000952", portal.Factory.Clock.GetUtcNow());
        db.AddRange(plan, _card, _esim, _paid, esimOrder);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [GeneratedRegex(@"\b[A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]*)+")]
    private static partial Regex ResourceKey();

    public static TheoryData<string, string> Pages()
    {
        var data = new TheoryData<string, string>();
        foreach (var language in new[] { "zh-Hans", "ja", "en" })
        {
            foreach (var page in new[] { "/sims", "/sims/add", "/sims/{card}", "/sims/{esim}", "/sims/{card}/renew", "/orders", "/orders/{paid}", "/account/profile", "/quick-renew" })
            {
                data.Add(language, page);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_page_reads_entirely_in_the_language(string language, string path)
    {
        // The owner's pages, opened with the language asked for by the browser.
        var client = path.StartsWith("/quick-renew", StringComparison.Ordinal) ? portal.Factory.NewBrowser(language) : await OwnerInAsync(language);
        var url = path.Replace("{card}", _card.Id.ToString(), StringComparison.Ordinal)
            .Replace("{esim}", _esim.Id.ToString(), StringComparison.Ordinal)
            .Replace("{paid}", _paid.Id.ToString(), StringComparison.Ordinal);

        var page = await client.GetDocumentAsync(url);

        Assert.Equal(language, page.DocumentElement.GetAttribute("lang"));
        Assert.DoesNotMatch(ResourceKey(), page.Body!.TextContent);
        Assert.DoesNotMatch(ResourceKey(), string.Join(' ', page.QuerySelectorAll("[placeholder],[alt],[aria-label]").Select(e =>
            e.GetAttribute("placeholder") + e.GetAttribute("alt") + e.GetAttribute("aria-label"))));
        Assert.DoesNotMatch(ResourceKey(), page.Title ?? "");
    }

    private async Task<HttpClient> OwnerInAsync(string language)
    {
        var client = portal.Factory.NewBrowser(language);
        var response = await client.SubmitAsync(await client.GetDocumentAsync("/account/login"), "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = "owner@example.com",
            ["Input.Password"] = Travellers.Password,
        });
        Assert.True(response.IsRedirect());
        return client;
    }
}
