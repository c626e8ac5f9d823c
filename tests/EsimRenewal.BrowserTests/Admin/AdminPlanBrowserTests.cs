using EsimRenewal.BrowserTests.Infrastructure;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.Admin;

/// <summary>An admin changes a plan's price in a real browser; the storefront follows, an earlier receipt does not.</summary>
public sealed class AdminPlanBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_admin_changes_a_price_the_storefront_shows_it_and_an_earlier_receipt_keeps_the_old_one()
    {
        await browser.Database.ResetAsync();
        var scenario = new VoucherScenario(browser.Portal);
        await scenario.UserAsync("admin@example.com", Roles.Admin);
        var traveller = await scenario.UserAsync("mei@example.com", Roles.Traveller);
        var plan = TestData.Plan("jp-7d-10gb", 7, 1980, SimKinds.Both, sortOrder: 10);
        var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000881"), SimPin.Hash("1234"), TestData.Epoch);
        sim.AssignTo(traveller.Id, TestData.Epoch);
        var order = TestOrders.FulfilledRenewal(sim, plan.Versions.Single(), traveller.Id, "mei@example.com", scenario.Now.AddDays(-3));
        await using (var db = browser.Database.NewContext())
        {
            db.Plans.Add(plan);
            db.Sims.Add(sim);
            db.Orders.Add(order);
            await db.SaveChangesAsync();
        }

        // The admin, reading Chinese, raises the price on /admin/plans.
        var admin = await SignedInAsync("zh-CN", "admin@example.com");
        await admin.GotoAsync("/admin/plans");
        await admin.Locator("[data-plan-code=jp-7d-10gb] [data-testid=edit]").ClickAsync();
        await Assertions.Expect(admin.Locator("[data-testid=on-sale] .plan-price")).ToHaveTextAsync("¥1,980");
        await admin.FillAsync("[data-testid=price]", "2180");
        await admin.ClickAsync("[data-testid=save]");
        await admin.WaitForURLAsync(browser.BaseUrl + "/admin/plans");
        await Assertions.Expect(admin.Locator(".status-message")).ToContainTextAsync("¥2,180");
        await Assertions.Expect(admin.Locator("[data-plan-code=jp-7d-10gb] [data-testid=price]")).ToHaveTextAsync("¥2,180");

        // A visitor sees the new price on the storefront and the plan's page.
        var visitor = await browser.NewPageAsync("en-US");
        await visitor.GotoAsync("/");
        await Assertions.Expect(visitor.Locator("[data-plan-code=jp-7d-10gb] [data-testid=price]")).ToHaveTextAsync("¥2,180");
        await visitor.GotoAsync("/plans/jp-7d-10gb");
        await Assertions.Expect(visitor.Locator("[data-testid=price]")).ToHaveTextAsync("¥2,180");

        // The traveller's receipt for the order made before still says what was paid.
        var mei = await SignedInAsync("en-US", "mei@example.com");
        await mei.GotoAsync($"/orders/{order.Id}");
        await Assertions.Expect(mei.Locator("[data-testid=receipt-total]")).ToHaveTextAsync("¥1,980");
        await Assertions.Expect(mei.Locator("[data-testid=receipt]")).ToContainTextAsync("Japan 7 days · 7 days · 10 GB");
    }

    private async Task<IPage> SignedInAsync(string locale, string email)
    {
        var page = await browser.NewPageAsync(locale);
        await page.GotoAsync("/account/login");
        await page.FillAsync("[data-testid=identifier]", email);
        await page.FillAsync("[data-testid=password]", VoucherScenario.Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        return page;
    }
}
