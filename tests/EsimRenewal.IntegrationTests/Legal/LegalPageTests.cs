using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Legal;

/// <summary>The legal pages a Japanese online shop must have, their footer links and the note by the pay buttons.</summary>
public sealed partial class LegalPageTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private static readonly string[] LegalPages = ["/legal/commerce", "/legal/terms", "/legal/privacy", "/legal/refunds"];

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using var db = portal.Database.NewContext();
        db.Plans.Add(TestData.Plan("jp-7d", 7, 1980, SimKinds.Both));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static HttpClient NewClient(WebApplicationFactory<Program> factory, string language)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private HttpClient NewClient(string language) => NewClient(portal.Factory, language);

    private static async Task<IHtmlDocument> GetOkAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}");
        return await HtmlForms.ParseAsync(response);
    }

    public static TheoryData<string, string, string, string> PagesInEveryLanguage => new()
    {
        { "/legal/commerce", "zh-CN,zh;q=0.9", "zh-Hans", "基于《特定商业交易法》的标示" },
        { "/legal/commerce", "ja-JP", "ja", "特定商取引法に基づく表記" },
        { "/legal/commerce", "en-US", "en", "Notice under the Act on Specified Commercial Transactions" },
        { "/legal/terms", "zh-CN,zh;q=0.9", "zh-Hans", "服务条款" },
        { "/legal/terms", "ja-JP", "ja", "利用規約" },
        { "/legal/terms", "en-US", "en", "Terms of Service" },
        { "/legal/privacy", "zh-CN,zh;q=0.9", "zh-Hans", "隐私政策" },
        { "/legal/privacy", "ja-JP", "ja", "プライバシーポリシー" },
        { "/legal/privacy", "en-US", "en", "Privacy Policy" },
        { "/legal/refunds", "zh-CN,zh;q=0.9", "zh-Hans", "退款与取消政策" },
        { "/legal/refunds", "ja-JP", "ja", "返金・キャンセルポリシー" },
        { "/legal/refunds", "en-US", "en", "Refund and Cancellation Policy" },
    };

    [Theory]
    [MemberData(nameof(PagesInEveryLanguage))]
    public async Task Each_legal_page_is_open_to_everyone_in_the_language_the_browser_asks_for(string url, string acceptLanguage, string lang, string title)
    {
        var page = await GetOkAsync(NewClient(acceptLanguage), url);

        Assert.Equal(lang, page.DocumentElement.GetAttribute("lang"));
        Assert.Equal(title, page.Text("h1"));
        Assert.StartsWith(title + " · ", page.Title, StringComparison.Ordinal);
        Assert.Equal("2026-12-01", page.QuerySelector(".legal-updated time")!.GetAttribute("datetime"));
        var text = page.Body!.TextContent;
        Assert.DoesNotMatch(LegalKey(), text);
        Assert.DoesNotMatch(ResourceKey(), text);
    }

    [Theory]
    [InlineData("zh-CN", "最后更新：2026年12月1日")]
    [InlineData("ja", "最終更新日：2026年12月1日")]
    [InlineData("en", "Last updated: 1 December 2026")]
    public async Task The_last_updated_date_reads_naturally_in_each_language(string language, string expected)
    {
        var page = await GetOkAsync(NewClient(language), "/legal/terms");

        Assert.Equal(expected, page.Text(".legal-updated"));
    }

    [Theory]
    [InlineData("zh-CN", true)]
    [InlineData("en", true)]
    [InlineData("ja", false)]
    public async Task The_commerce_page_also_names_itself_in_japanese_when_the_title_is_translated(string language, bool shown)
    {
        var page = await GetOkAsync(NewClient(language), "/legal/commerce");

        var original = page.QuerySelector(".legal-original-title");
        Assert.Equal(shown, original is not null);
        if (original is not null)
        {
            Assert.Equal("特定商取引法に基づく表記", original.TextContent.Trim());
            Assert.Equal("ja", original.GetAttribute("lang"));
        }
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("ja")]
    [InlineData("en")]
    public async Task The_commerce_page_shows_the_seller_from_configuration(string language)
    {
        var page = await GetOkAsync(NewClient(language), "/legal/commerce");
        var seller = PortalFactory.OperatorSettings;

        Assert.Equal(seller["Operator:Name"], page.Text("[data-testid=commerce-seller] td"));
        Assert.Equal(seller["Operator:Representative"], page.Text("[data-testid=commerce-representative] td"));
        Assert.Equal(seller["Operator:Address"], page.Text("[data-testid=commerce-address] td"));
        Assert.Contains(seller["Operator:Phone"], page.Text("[data-testid=commerce-phone] td"));
        Assert.Contains(seller["Operator:SupportHours"], page.Text("[data-testid=commerce-phone] td"));
        Assert.Equal(seller["Operator:Email"], page.Text("[data-testid=commerce-email] td"));
        Assert.Equal("mailto:" + seller["Operator:Email"], page.QuerySelector("[data-testid=commerce-email] a")!.GetAttribute("href"));
        Assert.Equal(seller["Operator:InvoiceRegistrationNumber"], page.Text("[data-testid=commerce-invoice-number] td"));
        Assert.Equal("/legal/refunds", page.QuerySelector("[data-testid=commerce-refunds-link]")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("/legal/terms")]
    [InlineData("/legal/privacy")]
    [InlineData("/legal/refunds")]
    public async Task The_policies_say_who_to_contact(string url)
    {
        var page = await GetOkAsync(NewClient("zh-CN"), url);

        var contact = page.Text("[data-testid=operator-contact]");
        foreach (var key in new[] { "Operator:Name", "Operator:Representative", "Operator:Address", "Operator:Phone", "Operator:Email" })
        {
            Assert.Contains(PortalFactory.OperatorSettings[key], contact);
        }
    }

    [Theory]
    [InlineData("zh-CN", new[] { "全家", "罗森", "Ministop", "Seicomart" })]
    [InlineData("ja", new[] { "ファミリーマート", "ローソン", "ミニストップ", "セイコーマート" })]
    [InlineData("en", new[] { "FamilyMart", "Lawson", "Ministop", "Seicomart" })]
    public async Task The_commerce_page_lists_the_konbini_chains_and_never_promises_7_eleven(string language, string[] chains)
    {
        var page = await GetOkAsync(NewClient(language), "/legal/commerce");

        var stores = page.Text("[data-testid=konbini-stores]");
        Assert.All(chains, chain => Assert.Contains(chain, stores));
        Assert.DoesNotMatch(SevenEleven(), page.Body!.TextContent);
    }

    [Theory]
    [InlineData("zh-CN", "3 天内", "5 天内")]
    [InlineData("ja", "3日以内", "5日以内")]
    [InlineData("en", "within 3 days", "within 5 days")]
    public async Task The_konbini_payment_deadline_comes_from_configuration(string language, string byDefault, string configured)
    {
        await using var fiveDays = portal.Factory.WithWebHostBuilder(b => b.UseSetting("Payments:KonbiniExpiresAfterDays", "5"));

        var standard = await GetOkAsync(NewClient(language), "/legal/commerce");
        var changed = await GetOkAsync(NewClient(fiveDays, language), "/legal/commerce");

        Assert.Contains(byDefault, standard.Text("[data-testid=konbini-deadline]"));
        Assert.Contains(configured, changed.Text("[data-testid=konbini-deadline]"));
    }

    [Fact]
    public async Task Without_konbini_the_legal_pages_do_not_mention_convenience_stores()
    {
        await using var noKonbini = portal.Factory.WithWebHostBuilder(b => b.UseSetting("Payments:EnableKonbini", "false"));
        var client = NewClient(noKonbini, "en");

        var commerce = await GetOkAsync(client, "/legal/commerce");
        var refunds = await GetOkAsync(client, "/legal/refunds");

        Assert.Null(commerce.QuerySelector("[data-testid=konbini-stores]"));
        Assert.Null(commerce.QuerySelector("[data-testid=konbini-deadline]"));
        foreach (var text in new[] { commerce.Body!.TextContent, refunds.Body!.TextContent })
        {
            Assert.DoesNotContain("convenience", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("FamilyMart", text, StringComparison.Ordinal);
        }
        Assert.Contains("Apple Pay", commerce.Text("[data-testid=commerce-payment-methods]"));
    }

    [Fact]
    public async Task The_privacy_policy_says_stripe_holds_card_data_records_are_kept_seven_years_and_where_to_delete_the_account()
    {
        var page = await GetOkAsync(NewClient("en"), "/legal/privacy");

        Assert.Contains("never receive or store your card number", page.Text("[data-testid=privacy-cards]"));
        Assert.Contains("kept for 7 years", page.Text("[data-testid=privacy-retention]"));
        Assert.Equal("/account/profile", page.QuerySelector("[data-testid=privacy-profile-link]")!.GetAttribute("href"));
    }

    [Theory]
    [InlineData("zh-CN", "删除账户不会删除购买 eSIM 时使用的电子邮箱")]
    [InlineData("ja", "アカウントを削除しても、eSIMの購入時に使われたメールアドレスは削除されません")]
    [InlineData("en", "Deleting your account does not delete the email address an eSIM was bought with")]
    public async Task The_privacy_policy_says_an_esims_purchase_email_outlives_the_account_so_its_holder_can_still_renew(string language, string expected)
    {
        var page = await GetOkAsync(NewClient(language), "/legal/privacy");

        Assert.StartsWith(expected, page.Text("[data-testid=privacy-esim-email]"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("ja")]
    [InlineData("en")]
    public async Task The_commerce_page_states_prices_other_charges_delivery_and_returns(string language)
    {
        var page = await GetOkAsync(NewClient(language), "/legal/commerce");

        foreach (var row in new[] { "commerce-price", "commerce-other-charges", "commerce-delivery", "commerce-returns" })
        {
            var cell = page.QuerySelector($"[data-testid={row}] td");
            Assert.True(cell is not null, $"{row} is missing ({language})");
            Assert.False(string.IsNullOrWhiteSpace(cell.TextContent), $"{row} is empty ({language})");
            Assert.False(string.IsNullOrWhiteSpace(page.Text($"[data-testid={row}] th")), $"{row} has no heading ({language})");
        }
        Assert.Contains("/legal/refunds", page.QuerySelectorAll("[data-testid=commerce-returns] a").Select(a => a.GetAttribute("href")));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/account/register")]
    [InlineData("/plans/jp-7d")]
    [InlineData("/legal/privacy")]
    public async Task The_footer_of_every_page_links_to_the_four_legal_pages(string url)
    {
        foreach (var language in new[] { "zh-CN", "ja", "en" })
        {
            var client = NewClient(language);
            var page = await GetOkAsync(client, url);

            var links = new[] { "commerce", "terms", "privacy", "refunds" }
                .Select(name => page.QuerySelector($"footer [data-testid=footer-{name}]")?.GetAttribute("href"))
                .ToList();
            Assert.Equal(LegalPages, links);
            Assert.All(
                page.QuerySelectorAll("footer .footer-nav a"),
                a => Assert.False(string.IsNullOrWhiteSpace(a.TextContent), $"an empty footer link on {url} ({language})"));
            Assert.NotEmpty(page.Text("footer p")); // the tagline stays
            foreach (var link in links)
            {
                await GetOkAsync(client, link!);
            }
        }
    }

    [Theory]
    [InlineData("zh-CN", "服务条款")]
    [InlineData("ja", "利用規約")]
    [InlineData("en", "Terms of Service")]
    public async Task The_plan_page_shows_the_legal_note_by_the_buy_button(string language, string termsLink)
    {
        var page = await GetOkAsync(NewClient(language), "/plans/jp-7d");

        AssertLegalNote(page.QuerySelector(".plan-detail [data-testid=legal-note]"), termsLink);
    }

    [Fact]
    public async Task The_renewal_page_shows_the_legal_note_by_the_pay_button()
    {
        var (client, userId) = await SignUpAsync("mei@example.com");
        var simId = await AddPhysicalSimAsync(userId);

        var page = await GetOkAsync(client, $"/sims/{simId}/renew");

        AssertLegalNote(page.QuerySelector("[data-testid=renew-form] [data-testid=legal-note]"), "Terms of Service");
        Assert.Equal(
            "By paying you agree to the Terms of Service. See also the Specified Commercial Transactions Act notice and the Refund Policy.",
            page.Text("[data-testid=legal-note]"));
    }

    private static void AssertLegalNote(AngleSharp.Dom.IElement? note, string termsLink)
    {
        Assert.NotNull(note);
        Assert.Equal(
            ["/legal/terms", "/legal/commerce", "/legal/refunds"],
            note.QuerySelectorAll("a").Select(a => a.GetAttribute("href")));
        Assert.Equal(termsLink, note.QuerySelector("[data-testid=legal-note-terms]")!.TextContent);
        Assert.DoesNotContain("<a", note.TextContent, StringComparison.Ordinal); // links are links, not escaped text
    }

    private async Task<(HttpClient Client, string UserId)> SignUpAsync(string email)
    {
        var client = NewClient("en");
        var page = await client.GetDocumentAsync("/account/register");
        var response = await client.SubmitAsync(page, "[data-testid=register-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = email,
            ["Input.Password"] = "correct horse battery",
            ["Input.ConfirmPassword"] = "correct horse battery",
        });
        Assert.True(response.IsRedirect(), $"registration failed: {(int)response.StatusCode}");
        await using var db = portal.Database.NewContext();
        return (client, await db.Users.Where(u => u.UserName == email).Select(u => u.Id).SingleAsync());
    }

    private async Task<Guid> AddPhysicalSimAsync(string userId)
    {
        await using var db = portal.Database.NewContext();
        var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000042"), SimPin.Hash("1234"), TestData.Epoch);
        sim.AssignTo(userId, TestData.Epoch);
        db.Sims.Add(sim);
        await db.SaveChangesAsync();
        return sim.Id;
    }

    [GeneratedRegex(@"\bLegal\.[A-Za-z.]+\b")]
    private static partial Regex LegalKey();

    [GeneratedRegex(@"\b[A-Z][a-zA-Z]+\.[A-Z][a-zA-Z]+(\.[A-Za-z]+)*\b")]
    private static partial Regex ResourceKey();

    [GeneratedRegex(@"7\s*[-‐‑–・]?\s*(Eleven|11|ELEVEN)|Seven|セブン|柒", RegexOptions.IgnoreCase)]
    private static partial Regex SevenEleven();
}
