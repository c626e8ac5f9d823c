using EsimRenewal.BrowserTests.Infrastructure;
using EsimRenewal.Core.Sims;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace EsimRenewal.BrowserTests.Sims;

/// <summary>A portal that holds an address back after two wrong PINs, with a small challenge to keep the test quick.</summary>
public sealed class BusyAddressFixture : BrowserFixture
{
    private sealed class BusyAddressPortal(TestDatabase database) : PortalFactory(database)
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            .. base.Settings(),
            new("AttemptLimits:Address:MaxFailures", "2"),
            new("AttemptLimits:ChallengeMaxNumber", "20000"),
        ];
    }

    protected override PortalFactory CreatePortal(TestDatabase database) => new BusyAddressPortal(database);
}

/// <summary>
/// Many wrong PINs from one address (here, the browser's 127.0.0.1): the people behind it are not
/// locked out; their browser solves a proof-of-work challenge (js/challenge.js) and the form goes through.
/// </summary>
public sealed class ChallengeBrowserTests(BusyAddressFixture browser) : IClassFixture<BusyAddressFixture>, IAsyncLifetime
{
    private static readonly string Card = Iccid.FromBody("898110000000000060").Value;

    public async Task InitializeAsync()
    {
        await browser.Database.ResetAsync();
        await using var db = browser.Database.NewContext();
        db.Sims.Add(Sim.RegisterPhysical(Iccid.Parse(Card), SimPin.Hash("1357"), TestData.Epoch));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<IPage> NewTravellerAsync(string email)
    {
        var page = await browser.NewPageAsync("en-US");
        await page.GotoAsync("/account/register");
        await page.FillAsync("[data-testid=identifier]", email);
        await page.FillAsync("[data-testid=password]", "correct horse battery");
        await page.FillAsync("[data-testid=confirm-password]", "correct horse battery");
        await page.ClickAsync("[data-testid=register-submit]");
        await page.GotoAsync("/sims/add");
        return page;
    }

    private static async Task TypeAsync(IPage page, string pin)
    {
        await page.FillAsync("[data-testid=iccid]", Card);
        await page.FillAsync("[data-testid=pin]", pin);
    }

    [Fact]
    public async Task After_wrong_pins_from_one_address_the_browser_solves_the_challenge_and_the_right_pin_goes_through()
    {
        var guesser = await NewTravellerAsync("guesser@example.com");
        foreach (var pin in new[] { "1111", "2222" })
        {
            await TypeAsync(guesser, pin);
            await guesser.ClickAsync("[data-testid=add-sim-submit]");
        }
        var owner = await NewTravellerAsync("owner@example.com");

        // The form now carries a challenge; the submit button waits until the browser has solved it.
        await Assertions.Expect(owner.Locator("[data-testid=challenge]")).ToHaveAttributeAsync("data-solved", "true", new() { Timeout = 30_000 });
        await TypeAsync(owner, "1357");
        await owner.ClickAsync("[data-testid=add-sim-submit]");

        await Assertions.Expect(owner.Locator("h1 [data-testid=iccid]")).ToHaveTextAsync(Card);
        await using var db = browser.Database.NewContext();
        Assert.NotNull((await db.Sims.AsNoTracking().SingleAsync()).OwnerId);
        Assert.Single(await db.SpentChallenges.AsNoTracking().ToListAsync());
    }

    [Fact]
    public async Task A_form_sent_without_a_solution_comes_back_with_a_challenge_that_submits_itself_once_solved()
    {
        var guesser = await NewTravellerAsync("guesser2@example.com");
        foreach (var pin in new[] { "1111", "2222" })
        {
            await TypeAsync(guesser, pin);
            await guesser.ClickAsync("[data-testid=add-sim-submit]");
        }
        var owner = await NewTravellerAsync("owner2@example.com");
        await TypeAsync(owner, "1357");
        // As if the page had been opened before the address was held back: no challenge in the form.
        await owner.EvaluateAsync("document.querySelector('[data-testid=challenge]').remove()");

        await owner.ClickAsync("[data-testid=add-sim-submit]");

        // Refused for want of a solution (429, a message), solved and re-sent by the browser on its own.
        await Assertions.Expect(owner.Locator("h1 [data-testid=iccid]")).ToHaveTextAsync(Card, new() { Timeout = 30_000 });
    }
}
