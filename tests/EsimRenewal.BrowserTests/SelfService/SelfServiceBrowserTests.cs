using System.Text.RegularExpressions;
using EsimRenewal.BrowserTests.Infrastructure;
using EsimRenewal.Core.Common;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.StripeEmulator;
using EsimRenewal.Web.Seeding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.SelfService;

/// <summary>
/// The whole product as ./run.sh starts it: demo data, the Stripe emulator, the background workers,
/// and mail through a real SMTP server (smtp4dev) that the test reads like an inbox.
/// </summary>
public sealed partial class SelfServiceBrowserFixture : BrowserFixture
{
    private WebApplication _emulator = null!;
    private string _contentRoot = "";

    public SmtpCatcher Mail { get; } = new();
    public string EmulatorUrl { get; private set; } = "";

    private sealed class ProductPortal(TestDatabase database, string emulatorUrl, SmtpCatcher mail) : PortalFactory(database)
    {
        protected override bool UsesSystemClock => true;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("Stripe:ApiBase", emulatorUrl),
            new("Workers:Enabled", "true"),
            new("Workers:EmailInterval", "00:00:00.200"),
            new("Seed:DemoData", "true"),
            .. mail.PortalSettings,
        ];
    }

    protected override PortalFactory CreatePortal(TestDatabase database) => new ProductPortal(database, EmulatorUrl, Mail);

    public override async Task InitializeAsync()
    {
        await Mail.InitializeAsync();
        _contentRoot = Directory.CreateTempSubdirectory("emulator-browser-").FullName;
        _emulator = EmulatorApp.Create(["--urls", "http://127.0.0.1:0", "--contentRoot", _contentRoot], o =>
        {
            o.WebhookUrl = null; // the success page settles the order
            o.WebhookSecret = PortalFactory.StripeWebhookSecret;
            o.SecretKey = PortalFactory.StripeSecretKey;
        });
        await _emulator.StartAsync();
        EmulatorUrl = _emulator.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _emulator.StopAsync();
        await _emulator.DisposeAsync();
        await Mail.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }

    /// <summary>Pays on the emulator's hosted page with Stripe's succeeding test card.</summary>
    public async Task PayByCardAsync(IPage page, string? email = null)
    {
        await page.WaitForURLAsync(EmulatorUrl + "/checkout/**");
        if (email is not null)
        {
            await page.FillAsync("#card-form input[name=email]", email);
        }
        await page.FillAsync("#card_number", "4242 4242 4242 4242");
        await page.FillAsync("#expiry", "12 / 34");
        await page.FillAsync("#cvc", "123");
        await page.ClickAsync("#card-form button[type=submit]");
        await page.WaitForURLAsync(BaseUrl + "/orders/**", new() { WaitUntil = WaitUntilState.Commit }); // the page may refresh itself until paid
    }

    /// <summary>The path and query of the first link to an order page in an email (its origin is the configured public address).</summary>
    public static string OrderLinkIn(string text) => OrderLink().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No order link in: " + text);

    [GeneratedRegex(@"https?://[^/\s]+(/orders/[0-9a-f-]{36}\?access=[^\s]+)")]
    private static partial Regex OrderLink();
}

/// <summary>The traveller journeys of a stranger in a real browser, in Chinese, from no account at all.</summary>
public sealed class SelfServiceBrowserTests(SelfServiceBrowserFixture product) : IClassFixture<SelfServiceBrowserFixture>
{
    [Fact]
    public async Task Someone_without_an_account_renews_the_printed_card_and_the_receipt_mail_opens_the_order()
    {
        await using var db = product.Database.NewContext();
        var card = await db.Sims.AsNoTracking().SingleAsync(s => s.Iccid == DemoData.UnlinkedIccid);
        var expected = Jst.Format(Jst.EndOfDay(card.ExpiresAt!.Value.AddDays(7)));
        var page = await product.NewPageAsync("zh-CN");

        await page.GotoAsync("/");
        await page.ClickAsync("[data-testid=quick-renew-link]");
        await page.FillAsync("[data-testid=physical-iccid]", DemoData.UnlinkedIccid);
        await page.FillAsync("[data-testid=pin]", DemoData.UnlinkedPin);
        await page.ClickAsync("[data-testid=physical-submit]");
        await page.CheckAsync("[data-plan-code=jp-7d-10gb] input[type=radio]");
        await Assertions.Expect(page.Locator("[data-plan-code=jp-7d-10gb] [data-testid=preview]")).ToContainTextAsync(expected);
        await page.ClickAsync("[data-testid=pay]");
        await product.PayByCardAsync(page, email: "walkin@example.com");

        await Assertions.Expect(page.Locator("[data-testid=new-expiry]")).ToContainTextAsync(expected);
        var mail = await product.Mail.WaitForMessageAsync("walkin@example.com", timeout: TimeSpan.FromSeconds(60));
        Assert.Contains("收据", mail.Subject, StringComparison.Ordinal); // in the language the page was used in
        Assert.Contains("¥1,980", System.Net.WebUtility.HtmlDecode(mail.HtmlBody!));

        // The link in the mail opens the order in a browser that has never been here.
        var stranger = await product.NewPageAsync("zh-CN");
        await stranger.GotoAsync(SelfServiceBrowserFixture.OrderLinkIn(mail.TextBody!));
        await Assertions.Expect(stranger.Locator("[data-testid=receipt-total]")).ToHaveTextAsync("¥1,980");
        await Assertions.Expect(stranger.Locator("[data-testid=new-expiry]")).ToContainTextAsync(expected);
    }

    [Fact]
    public async Task An_esim_holder_renews_with_the_code_from_their_mailbox()
    {
        var page = await product.NewPageAsync("zh-CN");

        await page.GotoAsync("/quick-renew");
        await page.FillAsync("[data-testid=esim-iccid]", DemoData.GuestEsimIccid);
        await page.FillAsync("[data-testid=email]", DemoData.GuestEsimEmail);
        await page.ClickAsync("[data-testid=send-code]");
        await Assertions.Expect(page.Locator("[data-testid=code-sent]")).ToContainTextAsync(DemoData.GuestEsimEmail);
        var codeMail = await product.Mail.WaitForMessageAsync(DemoData.GuestEsimEmail, m => m.Subject.Contains("验证码", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var code = Regex.Match(codeMail.TextBody!, @"\b\d{6}\b").Value;
        await page.FillAsync("[data-testid=code]", code);
        await page.ClickAsync("[data-testid=verify-code]");
        await page.CheckAsync("[data-plan-code=jp-7d-10gb] input[type=radio]");
        await page.ClickAsync("[data-testid=pay]");
        await product.PayByCardAsync(page);

        await Assertions.Expect(page.Locator("[data-testid=order-status]")).ToHaveAttributeAsync("data-state", "Fulfilled");
        var receipt = await product.Mail.WaitForMessageAsync(DemoData.GuestEsimEmail, m => m.Subject.Contains("收据", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Contains("¥1,980", receipt.TextBody);
    }

    [Fact]
    public async Task A_new_traveller_adds_a_card_renews_it_buys_an_esim_and_sees_its_qr_code()
    {
        var page = await product.NewPageAsync("zh-CN");
        await page.GotoAsync("/account/register");
        await page.FillAsync("[data-testid=identifier]", "fresh@example.com");
        await page.FillAsync("[data-testid=password]", "correct horse battery");
        await page.FillAsync("[data-testid=confirm-password]", "correct horse battery");
        await page.ClickAsync("[data-testid=register-submit]");

        await page.GotoAsync("/sims");
        await page.ClickAsync("[data-testid=no-sims] [data-testid=add-sim]");
        // A card printed for this test (the other tests renew the demo card without an account).
        var card = Core.Sims.Iccid.FromBody("898110000000000050").Value;
        await using (var db = product.Database.NewContext())
        {
            db.Sims.Add(Core.Sims.Sim.RegisterPhysical(Core.Sims.Iccid.Parse(card), Core.Sims.SimPin.Hash("2580"), TestData.Epoch));
            await db.SaveChangesAsync();
        }
        await page.FillAsync("[data-testid=iccid]", string.Join(' ', card.Chunk(4).Select(c => new string(c))));
        await page.FillAsync("[data-testid=pin]", "2580");
        await page.ClickAsync("[data-testid=add-sim-submit]");
        await Assertions.Expect(page.Locator("h1 [data-testid=iccid]")).ToHaveTextAsync(card);
        await page.ClickAsync("[data-testid=renew]");
        await page.CheckAsync("[data-plan-code=jp-7d-10gb] input[type=radio]");
        await page.ClickAsync("[data-testid=pay]");
        await product.PayByCardAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=receipt]")).ToBeVisibleAsync();
        await product.Mail.WaitForMessageAsync("fresh@example.com", timeout: TimeSpan.FromSeconds(60));

        await page.GotoAsync("/plans/jp-7d-10gb");
        await page.ClickAsync("[data-testid=buy]");
        await product.PayByCardAsync(page);

        var qr = page.Locator("[data-testid=activation-qr]");
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"));
        await Assertions.Expect(page.Locator("[data-testid=activation-code]")).ToContainTextAsync("LPA:1$smdp.example$");
        var esimMail = await product.Mail.WaitForMessageAsync("fresh@example.com", m => m.Subject.Contains("eSIM", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Equal("esim-qr", Assert.Single(esimMail.InlineParts).ContentId);
    }
}
