using EsimRenewal.BrowserTests.Infrastructure;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.Storefront;

public sealed class StorefrontBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await browser.Database.ResetAsync();
        await using var db = browser.Database.NewContext();
        db.Plans.AddRange(
            TestData.Plan("jp-7d", 7, 1980, SimKinds.Both, sortOrder: 1),
            TestData.Plan("jp-30d", 30, 3980, SimKinds.Physical, sortOrder: 2));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_chinese_visitor_switches_to_japanese_and_registers()
    {
        var page = await browser.NewPageAsync("zh-CN");

        await page.GotoAsync("/");
        Assert.Equal("在日本畅享上网", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("zh-Hans", await page.Locator("html").GetAttributeAsync("lang"));
        Assert.Equal(["¥1,980", "¥3,980"], await page.Locator("[data-testid=price]").AllInnerTextsAsync());

        await page.ClickAsync("[data-testid=lang-ja]");
        await page.WaitForURLAsync(browser.BaseUrl + "/");
        Assert.Equal("日本でつながる、すぐに使える", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("ja", await page.Locator("html").GetAttributeAsync("lang"));

        await page.ClickAsync("[data-testid=register-link]");
        Assert.Equal("アカウント作成", await page.Locator("h1").InnerTextAsync()); // the choice is remembered
        await page.FillAsync("[data-testid=identifier]", "090-8765-4321");
        await page.FillAsync("[data-testid=password]", "sakura travel 2026");
        await page.FillAsync("[data-testid=confirm-password]", "sakura travel 2026");
        await page.ClickAsync("[data-testid=register-submit]");

        await Assertions.Expect(page.Locator(".status-message")).ToHaveTextAsync("アカウントを作成し、ログインしました。");
        await Assertions.Expect(page.Locator("[data-testid=sign-out]")).ToBeVisibleAsync();
        await using var db = browser.Database.NewContext();
        var user = await db.Users.SingleAsync();
        Assert.Equal("+819087654321", user.PhoneNumber);
        Assert.Equal("ja", user.PreferredCulture);
    }

    [Fact]
    public async Task A_registration_with_a_bad_number_shows_the_message_in_the_chosen_language()
    {
        var page = await browser.NewPageAsync("zh-CN");

        await page.GotoAsync("/account/register");
        await page.FillAsync("[data-testid=identifier]", "12345");
        await page.FillAsync("[data-testid=password]", "sakura travel 2026");
        await page.FillAsync("[data-testid=confirm-password]", "sakura travel 2026");
        await page.ClickAsync("[data-testid=register-submit]");

        await Assertions.Expect(page.Locator(".field-error").First).ToHaveTextAsync("这不是有效的电子邮箱或手机号码。");
        await using var db = browser.Database.NewContext();
        Assert.False(await db.Users.AnyAsync());
    }
}
