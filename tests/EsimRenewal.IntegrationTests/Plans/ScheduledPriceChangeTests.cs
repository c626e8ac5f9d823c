using System.Net;
using EsimRenewal.Core.Common;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Plans;

/// <summary>
/// A price change scheduled by an admin takes effect at its time with no one present: the storefront,
/// the plan page, the renewal page and the voucher batch form show the old price until then, the new
/// one from then. The test moves the portal's clock (its own fixture, so no other test sees it).
/// </summary>
public sealed class ScheduledPriceChangeTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private HttpClient _admin = null!;
    private HttpClient _traveller = null!;
    private Guid _simId;
    private Guid _planId;
    private DateTimeOffset _takesEffect;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        (_traveller, var userId) = await portal.Factory.SignUpAsync("mei@example.com");
        await using (var db = portal.Database.NewContext())
        {
            var plan = TestData.Plan("week", 7, 1980, SimKinds.Both);
            var sim = Sim.RegisterPhysical(Iccid.FromBody("898110000000000771"), SimPin.Hash("1234"), TestData.Epoch);
            sim.AssignTo(userId, TestData.Epoch);
            db.Plans.Add(plan);
            db.Sims.Add(sim);
            await db.SaveChangesAsync();
            (_planId, _simId) = (plan.Id, sim.Id);
        }
        _admin = await portal.Factory.AdminAsync();
        // Midnight in Japan a week from whatever the clock says now (within the sign-in cookies' 14 days).
        _takesEffect = Jst.EndOfDay(portal.Factory.Clock.GetUtcNow().AddDays(6)).AddSeconds(1);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> StorefrontPriceAsync() =>
        (await portal.Factory.NewBrowser().GetDocumentAsync("/")).Text("[data-plan-code=week] [data-testid=price]");

    private async Task<string> PlanPagePriceAsync() =>
        (await portal.Factory.NewBrowser().GetDocumentAsync("/plans/week")).Text("[data-testid=price]");

    private async Task<string> RenewalPagePriceAsync() =>
        (await _traveller.GetDocumentAsync($"/sims/{_simId}/renew")).Text("[data-plan-code=week] .plan-choice-price");

    [Fact]
    public async Task The_new_price_is_on_sale_from_its_time_everywhere_and_the_old_one_until_then()
    {
        var when = PlanInputFormat(_takesEffect);
        var response = await _admin.EditAsync(_planId, new Dictionary<string, string> { ["Input.Price"] = "2180", ["Input.EffectiveFrom"] = when });
        Assert.True(response.IsRedirect());
        Assert.Equal($"¥1,980 → ¥2,180 from {Jst.Format(_takesEffect)}",
            (await _admin.GetDocumentAsync("/admin/plans")).Text("[data-plan-code=week] [data-testid=scheduled]"));

        // A minute before: the old price everywhere.
        portal.Factory.Clock.Advance(_takesEffect - portal.Factory.Clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        Assert.Equal(("¥1,980", "¥1,980", "¥1,980"), (await StorefrontPriceAsync(), await PlanPagePriceAsync(), await RenewalPagePriceAsync()));

        // At its time, with nobody doing anything: the new price everywhere.
        portal.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(("¥2,180", "¥2,180", "¥2,180"), (await StorefrontPriceAsync(), await PlanPagePriceAsync(), await RenewalPagePriceAsync()));
        _admin = await portal.Factory.AdminAsync(); // six days later: an admin's session lasts 12 hours at most (0020), so signs in again
        var list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.Equal("¥2,180", list.Text("[data-plan-code=week] [data-testid=price]"));
        Assert.Equal("—", list.Text("[data-plan-code=week] [data-testid=scheduled]"));
    }

    [Fact]
    public async Task A_renewal_page_shown_before_the_change_and_posted_after_it_is_refused_and_shows_the_new_price()
    {
        await _admin.EditAsync(_planId, new Dictionary<string, string> { ["Input.Price"] = "2180", ["Input.EffectiveFrom"] = PlanInputFormat(_takesEffect) });
        var page = await _traveller.GetDocumentAsync($"/sims/{_simId}/renew");
        portal.Factory.Clock.Advance(_takesEffect - portal.Factory.Clock.GetUtcNow());

        var response = await _traveller.SubmitAsync(page, "[data-testid=renew-form]", new Dictionary<string, string>
        {
            ["Input.PlanVersionId"] = page.QuerySelector("[data-plan-code=week] input[type=radio]")!.GetAttribute("value")!,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // no checkout at the old price
        var again = await HtmlForms.ParseAsync(response);
        Assert.Equal("¥2,180", again.Text("[data-plan-code=week] .plan-choice-price"));
        await using var db = portal.Database.NewContext();
        Assert.Empty(await db.Orders.ToListAsync());
    }

    [Fact]
    public async Task The_plan_page_bought_after_the_change_shows_the_new_price_instead_of_charging_it()
    {
        await _admin.EditAsync(_planId, new Dictionary<string, string> { ["Input.Price"] = "2180", ["Input.EffectiveFrom"] = PlanInputFormat(_takesEffect) });
        var page = await _traveller.GetDocumentAsync("/plans/week");
        Assert.Equal("¥1,980", page.Text("[data-testid=price]"));
        portal.Factory.Clock.Advance(_takesEffect - portal.Factory.Clock.GetUtcNow());

        var response = await _traveller.SubmitAsync(page, "[data-testid=buy-form]", new Dictionary<string, string>());

        Assert.True(response.IsRedirect());
        Assert.Equal("/plans/week", response.Headers.Location!.OriginalString);
        var shown = await _traveller.GetDocumentAsync("/plans/week");
        Assert.Equal("¥2,180", shown.Text("[data-testid=price]"));
        Assert.Equal("The terms of this plan have just changed. Please check them before buying.", shown.Text(".status-message"));
        await using var db = portal.Database.NewContext();
        Assert.Empty(await db.Orders.ToListAsync());
    }

    [Fact]
    public async Task Voucher_batches_are_made_of_the_version_on_sale_never_of_a_scheduled_one()
    {
        await _admin.EditAsync(_planId, new Dictionary<string, string> { ["Input.Price"] = "2180", ["Input.EffectiveFrom"] = PlanInputFormat(_takesEffect) });
        var versions = (await portal.Database.PlanAsync("week")).Versions.OrderBy(v => v.Number).ToList();
        var scenario = new VoucherScenario(portal.Factory);
        var adminId = await AdminIdAsync();

        var choices = await scenario.WithBatchesAsync(s => s.PlanChoicesAsync());
        var refused = await scenario.WithBatchesAsync(s => s.CreateAsync(
            new NewVoucherBatch(versions[1].Id, SalesChannels.Lawson, 10, Jst.DateOf(scenario.Now).AddDays(90)), new Core.Auditing.Actor(adminId, "admin", null)));

        Assert.Equal([versions[0].Id], choices.Select(c => c.PlanVersionId));
        Assert.Equal(BatchRefusal.PlanNotAvailable, refused.Refusal);
        portal.Factory.Clock.Advance(_takesEffect - portal.Factory.Clock.GetUtcNow());
        Assert.Equal([versions[1].Id], (await scenario.WithBatchesAsync(s => s.PlanChoicesAsync())).Select(c => c.PlanVersionId));
    }

    private async Task<string> AdminIdAsync()
    {
        await using var db = portal.Database.NewContext();
        return await db.Users.Where(u => u.UserName == AdminPlanForms.AdminEmail).Select(u => u.Id).SingleAsync();
    }

    /// <summary>The value a datetime-local input sends for an instant, in Japan time.</summary>
    private static string PlanInputFormat(DateTimeOffset instant) =>
        Jst.ToJst(instant).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}
