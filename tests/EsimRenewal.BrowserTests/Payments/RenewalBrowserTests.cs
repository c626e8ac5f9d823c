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

namespace EsimRenewal.BrowserTests.Payments;

/// <summary>The portal with demo data, paying through the Stripe emulator's hosted page.</summary>
public sealed class PaymentBrowserFixture : BrowserFixture
{
    private WebApplication _emulator = null!;
    private string _contentRoot = "";

    public string EmulatorUrl { get; private set; } = "";

    private sealed class DemoPortal(TestDatabase database, string emulatorUrl) : PortalFactory(database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("Stripe:ApiBase", emulatorUrl),
            new("Workers:Enabled", "false"),
            new("Seed:DemoData", "true"),
        ];
    }

    protected override PortalFactory CreatePortal(TestDatabase database) => new DemoPortal(database, EmulatorUrl);

    public override async Task InitializeAsync()
    {
        _contentRoot = Directory.CreateTempSubdirectory("emulator-browser-").FullName;
        _emulator = EmulatorApp.Create(["--urls", "http://127.0.0.1:0", "--contentRoot", _contentRoot], o =>
        {
            o.WebhookUrl = null; // the success page settles the order; webhooks are tested elsewhere
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
        Directory.Delete(_contentRoot, recursive: true);
    }
}

public sealed class RenewalBrowserTests(PaymentBrowserFixture browser) : IClassFixture<PaymentBrowserFixture>
{
    [Fact]
    public async Task A_traveller_renews_the_demo_sim_pays_with_a_test_card_and_sees_the_new_expiry()
    {
        await using var db = browser.Database.NewContext();
        var sim = await db.Sims.AsNoTracking().SingleAsync(s => s.Iccid == DemoData.PhysicalIccid);
        var expected = Jst.EndOfDay(sim.ExpiresAt!.Value.AddDays(30));
        var page = await browser.NewPageAsync("en-US");

        await page.GotoAsync("/account/login");
        await page.FillAsync("[data-testid=identifier]", DemoData.TravellerEmail);
        await page.FillAsync("[data-testid=password]", DemoData.TravellerPassword);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.Locator($"[data-iccid='{DemoData.PhysicalIccid}'] [data-testid=renew]").ClickAsync();

        var month = page.Locator("[data-plan-code=jp-30d-30gb]");
        await month.Locator("input[type=radio]").CheckAsync();
        Assert.Equal($"Extends from the current expiry {Jst.Format(sim.ExpiresAt!.Value)} to {Jst.Format(expected)}",
            (await month.Locator("[data-testid=preview]").InnerTextAsync()).Trim());
        await page.ClickAsync("[data-testid=pay]");

        await page.WaitForURLAsync(browser.EmulatorUrl + "/checkout/**");
        Assert.Contains("¥3,980", await page.Locator("body").InnerTextAsync());
        await page.FillAsync("#card_number", "4242 4242 4242 4242");
        await page.FillAsync("#expiry", "12 / 34");
        await page.FillAsync("#cvc", "123");
        await page.ClickAsync("#card-form button[type=submit]");

        await page.WaitForURLAsync(browser.BaseUrl + "/orders/**", new() { WaitUntil = WaitUntilState.Commit }); // the page may refresh itself until paid
        await Assertions.Expect(page.Locator("[data-testid=new-expiry]"))
            .ToHaveTextAsync($"Paid. SIM {DemoData.PhysicalIccid} is now valid until {Jst.Format(expected)}.");
        await Assertions.Expect(page.Locator("[data-testid=pay]")).ToHaveCountAsync(0);
    }
}
