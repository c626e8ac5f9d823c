using EsimRenewal.BrowserTests.Infrastructure;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.Vouchers;

/// <summary>Vouchers in a real browser: a traveller redeems a demo voucher; a desk redeems a code for a customer's ICCID.</summary>
public sealed class VoucherBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly VoucherScenario _scenario = new(browser.Portal);
    private ApplicationUser _traveller = null!;
    private ApplicationUser _staff = null!;
    private Guid _plan;
    private Sim _sim = null!;

    public async Task InitializeAsync()
    {
        await browser.Database.ResetAsync();
        _traveller = await _scenario.UserAsync("mei@example.com", Roles.Traveller);
        _staff = await _scenario.UserAsync("desk@example.com", Roles.Staff);
        _plan = await _scenario.PlanAsync(DemoVouchers.PlanCode, 7, SimKinds.Both);
        _sim = await _scenario.SimAsync(_traveller.Id, SimKind.Physical, _plan);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_traveller_redeems_a_demo_voucher_typed_the_way_people_type()
    {
        await _scenario.WithBatchesAsync(async s => { await s.SeedDemoBatchAsync(new Actor(_staff.Id, "seed", null)); return 0; });
        var expected = Jst.Format(Jst.EndOfDay(_sim.ExpiresAt!.Value.AddDays(7)));
        var page = await browser.NewPageAsync("en-US");
        await SignInAsync(page, "mei@example.com");

        await page.ClickAsync("[data-testid=redeem-link]");
        await page.FillAsync("[data-testid=voucher-code]", DemoVouchers.Codes[0].ToString().ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));
        await page.ClickAsync("[data-testid=redeem-find]");
        await Assertions.Expect(page.Locator("[data-testid=sim-option]")).ToContainTextAsync(_sim.Iccid);
        await page.CheckAsync($"[data-iccid='{_sim.Iccid}'] input[type=radio]");
        await page.ClickAsync("[data-testid=redeem-preview-submit]");
        await Assertions.Expect(page.Locator("[data-testid=renewal-preview]"))
            .ToHaveTextAsync($"Extends from the current expiry {Jst.Format(_sim.ExpiresAt!.Value)} to {expected}.");
        await page.ClickAsync("[data-testid=redeem-confirm]");

        await page.WaitForURLAsync(browser.BaseUrl + "/sims");
        await Assertions.Expect(page.Locator(".status-message")).ToHaveTextAsync($"Voucher redeemed: SIM …{_sim.Iccid[^4..]} is now valid until {expected}.");
        await Assertions.Expect(page.Locator($"[data-iccid='{_sim.Iccid}'] [data-testid=sim-expiry]")).ToHaveTextAsync(expected);
        await using var db = browser.Database.NewContext();
        var redemption = await db.VoucherRedemptions.AsNoTracking().SingleAsync();
        Assert.Equal((RedemptionChannel.Traveller, _sim.Id), (redemption.Channel, redemption.SimId));
    }

    [Fact]
    public async Task Staff_redeem_a_code_for_a_customers_iccid_and_print_the_slip()
    {
        var (_, codes) = await _scenario.BatchAsync(_plan, _staff.Id, count: 1);
        var expected = Jst.Format(Jst.EndOfDay(_sim.ExpiresAt!.Value.AddDays(7)));
        var page = await browser.NewPageAsync("ja-JP");
        await SignInAsync(page, "desk@example.com");

        await page.GotoAsync("/staff/redeem");
        await page.FillAsync("[data-testid=voucher-code]", codes[0].ToString());
        await page.FillAsync("[data-testid=iccid]", _sim.Iccid);
        await page.ClickAsync("[data-testid=staff-preview-submit]");
        await Assertions.Expect(page.Locator("[data-testid=preview-current]")).ToHaveTextAsync(Jst.Format(_sim.ExpiresAt!.Value));
        await Assertions.Expect(page.Locator("[data-testid=preview-new]")).ToHaveTextAsync(expected);
        await page.ClickAsync("[data-testid=staff-confirm]");

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/staff/redeem/slip/"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("バウチャー利用確認票");
        await Assertions.Expect(page.Locator("[data-testid=slip-new-expiry]")).ToHaveTextAsync(expected);
        await Assertions.Expect(page.Locator("[data-testid=slip-iccid]")).ToHaveTextAsync("…" + _sim.Iccid[^4..]);
        await Assertions.Expect(page.Locator("[data-testid=print-slip]")).ToBeVisibleAsync();
        // Printing hides the navigation and the buttons (print CSS).
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Assertions.Expect(page.Locator("[data-testid=print-slip]")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("[data-testid=slip-serial]")).ToBeVisibleAsync();
        Assert.Equal(Jst.EndOfDay(_sim.ExpiresAt!.Value.AddDays(7)), (await _scenario.ReloadSimAsync(_sim.Id)).ExpiresAt);
    }

    private async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("[data-testid=identifier]", email);
        await page.FillAsync("[data-testid=password]", VoucherScenario.Password);
        await page.ClickAsync("[data-testid=login-submit]");
        await Assertions.Expect(page.Locator("[data-testid=sign-out]")).ToBeVisibleAsync();
    }
}
