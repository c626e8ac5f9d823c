using System.Net;
using System.Text.Json;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Plans;

/// <summary>
/// The plan catalogue at /admin/plans through its real forms: list, create, edit names and terms (now
/// or scheduled), cancel a schedule, activate, deactivate, reorder; each change audited; the storefront
/// follows. The clock is 2026-12-01 12:00 JST.
/// </summary>
public sealed class AdminPlanPagesTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using (var db = portal.Database.NewContext())
        {
            db.Plans.AddRange(
                TestData.Plan("week", 7, 1980, SimKinds.Both, sortOrder: 10),
                TestData.Plan("month", 30, 3980, SimKinds.Both, dataMb: 30 * 1024, sortOrder: 20),
                TestData.Plan("day", 1, 800, SimKinds.Esim, sortOrder: 30));
            await db.SaveChangesAsync();
        }
        _admin = await portal.Factory.AdminAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Guid> IdOf(string code) => portal.Database.PlanIdAsync(code);

    private async Task<string[]> StorefrontCodesAsync() =>
        (await portal.Factory.NewBrowser().GetDocumentAsync("/")).QuerySelectorAll(".plan-card").Select(c => c.GetAttribute("data-plan-code")!).ToArray();

    private async Task<string> StorefrontPriceAsync(string code) =>
        (await portal.Factory.NewBrowser().GetDocumentAsync("/")).Text($"[data-plan-code={code}] [data-testid=price]");

    private async Task<List<Core.Auditing.AuditEntry>> AuditAsync()
    {
        await using var db = portal.Database.NewContext();
        return await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "Plan").OrderBy(a => a.Id).ToListAsync();
    }

    private static Dictionary<string, string> With(params (string Field, string Value)[] changes) => changes.ToDictionary(c => c.Field, c => c.Value);

    [Fact]
    public async Task A_voucher_issued_before_a_change_of_days_and_price_renews_on_the_version_it_was_issued_on()
    {
        var scenario = new VoucherScenario(portal.Factory);
        var staff = await scenario.UserAsync("desk@example.com", Roles.Staff);
        var weekId = await IdOf("week");
        var sim = Core.Sims.Sim.RegisterPhysical(Core.Sims.Iccid.FromBody("898110000000000901"), Core.Sims.SimPin.Hash("1234"), TestData.Epoch);
        Guid v1;
        await using (var db = portal.Database.NewContext())
        {
            v1 = await db.PlanVersions.Where(v => v.PlanId == weekId).Select(v => v.Id).SingleAsync();
            db.Sims.Add(sim);
            await db.SaveChangesAsync();
        }
        var (_, codes) = await scenario.BatchAsync(v1, staff.Id, count: 1);

        Assert.True((await _admin.EditAsync(weekId, With(("Input.ValidityDays", "10"), ("Input.Price", "2480")))).IsRedirect());
        Assert.Equal("¥2,480", await StorefrontPriceAsync("week"));
        var redeemed = await scenario.WithRedemptionsAsync(r => r.RedeemAsync(codes[0].ToString(), Core.Vouchers.SimKey.ByIccid(Core.Sims.Iccid.Parse(sim.Iccid)), VoucherScenario.Staff(staff)));

        Assert.True(redeemed.Succeeded);
        await using var check = portal.Database.NewContext();
        var sevenDays = Core.Sims.RenewalRule.Preview(null, 7, scenario.Now).NewExpiresAt;
        Assert.Equal(sevenDays, (await check.Sims.AsNoTracking().SingleAsync(s => s.Id == sim.Id)).ExpiresAt);
        var redemption = await check.VoucherRedemptions.AsNoTracking().SingleAsync();
        var order = await check.Orders.AsNoTracking().SingleAsync(o => o.Id == redemption.OrderId);
        Assert.Equal((v1, sevenDays), (order.PlanVersionId, order.NewExpiresAt));
        Assert.Equal([7, 10], await check.PlanVersions.Where(v => v.PlanId == weekId).OrderBy(v => v.Number).Select(v => v.ValidityDays).ToListAsync());
    }

    [Fact]
    public async Task The_list_shows_every_plan_active_or_not_in_storefront_order_with_its_terms()
    {
        await using (var db = portal.Database.NewContext())
        {
            (await db.Plans.SingleAsync(p => p.Code == "day")).Deactivate();
            await db.SaveChangesAsync();
        }

        var page = await _admin.GetDocumentAsync("/admin/plans");

        var rows = page.QuerySelectorAll("[data-testid=plan-row]");
        Assert.Equal(["week", "month", "day"], rows.Select(r => r.GetAttribute("data-plan-code")));
        var week = rows[0];
        Assert.Equal("¥1,980", week.QuerySelector("[data-testid=price]")!.TextContent.Trim());
        Assert.Contains("Japan 7 days", week.TextContent);
        Assert.Contains("10 GB", week.TextContent);
        Assert.Contains("Physical SIM and eSIM", week.TextContent);
        Assert.Equal("On sale", week.QuerySelector("[data-testid=state]")!.TextContent.Trim());
        Assert.Equal("Not on sale", rows[2].QuerySelector("[data-testid=state]")!.TextContent.Trim());
        Assert.Equal("—", week.QuerySelector("[data-testid=scheduled]")!.TextContent.Trim());
        Assert.NotNull(rows[2].QuerySelector("[data-testid=activate]"));
        Assert.True(week.QuerySelector("[data-testid=move-up]")!.HasAttribute("disabled"));
    }

    [Fact]
    public async Task An_admin_creates_a_plan_which_goes_on_sale_at_the_end_of_the_storefront()
    {
        var form = await _admin.GetDocumentAsync("/admin/plans/new");
        var values = AdminPlanForms.NewPlan(price: "￥１，２００"); // typed with a Japanese input method

        var response = await _admin.SubmitAsync(form, "[data-testid=create-form]", values);

        Assert.True(response.IsRedirect());
        Assert.Equal("/admin/plans", response.Headers.Location!.OriginalString);
        var list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.Equal("Plan jp-3d-5gb created.", list.Text(".status-message"));
        Assert.Equal(["week", "month", "day", "jp-3d-5gb"], await StorefrontCodesAsync());
        Assert.Equal("¥1,200", await StorefrontPriceAsync("jp-3d-5gb"));
        var plan = await portal.Database.PlanAsync("jp-3d-5gb");
        Assert.Equal(("日本 3天 5GB", "日本 3日間 5GB", "Japan 3 days 5 GB"), (plan.Name.ZhHans, plan.Name.Ja, plan.Name.En));
        Assert.Equal(40, plan.SortOrder);
        Assert.Equal(new PlanTerms(new Core.Common.Yen(1200), 5 * 1024, null, 3, SimKinds.Both), Assert.Single(plan.Versions).Terms);
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal(("plan.created", plan.Id.ToString(), AdminPlanForms.AdminEmail), (audit.Action, audit.EntityId, audit.ActorName));
        Assert.Null(audit.Before);
        Assert.Equal(1200, JsonDocument.Parse(audit.After!).RootElement.GetProperty("terms").GetProperty("priceYen").GetInt64());
    }

    [Fact]
    public async Task A_plan_created_inactive_with_unlimited_data_and_a_daily_cap_stays_off_the_storefront()
    {
        var form = await _admin.GetDocumentAsync("/admin/plans/new");
        var values = AdminPlanForms.NewPlan("jp-7d-unlimited");
        values["Input.DataKind"] = "unlimited";
        values["Input.DataGb"] = "not read for unlimited plans";
        values["Input.DailyCapGb"] = "2.5";
        values["Input.Physical"] = "";
        values["Input.Active"] = "";

        Assert.True((await _admin.SubmitAsync(form, "[data-testid=create-form]", values)).IsRedirect());

        var plan = await portal.Database.PlanAsync("jp-7d-unlimited");
        Assert.False(plan.IsActive);
        Assert.Equal((null, 2560, SimKinds.Esim), (plan.Versions.Single().DataMb, plan.Versions.Single().DailyFairUseMb, plan.Versions.Single().SimKinds));
        Assert.DoesNotContain("jp-7d-unlimited", await StorefrontCodesAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Factory.NewBrowser().GetAsync("/plans/jp-7d-unlimited")).StatusCode);
    }

    [Fact]
    public async Task A_code_in_use_is_refused_and_nothing_is_created()
    {
        var form = await _admin.GetDocumentAsync("/admin/plans/new");

        var response = await _admin.SubmitAsync(form, "[data-testid=create-form]", AdminPlanForms.NewPlan("week"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("A plan with the code week already exists.", (await HtmlForms.ParseAsync(response)).Errors());
        await using var db = portal.Database.NewContext();
        Assert.Equal(3, await db.Plans.CountAsync());
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task The_edit_form_shows_the_plan_as_it_is()
    {
        var page = await _admin.EditPageAsync(await IdOf("month"));

        string Value(string name) => page.QuerySelector($"[name='Input.{name}']")!.GetAttribute("value") ?? "";
        Assert.Equal(("3980", "30", "30"), (Value("Price"), Value("DataGb"), Value("ValidityDays")));
        Assert.Equal("Japan 30 days", Value("NameEn"));
        Assert.Equal("说明", page.QuerySelector("[name='Input.DescriptionZhHans']")!.TextContent.Trim());
        Assert.True(page.QuerySelector("[data-testid=data-limited]")!.HasAttribute("checked"));
        Assert.True(page.QuerySelector("[data-testid=kind-physical]")!.HasAttribute("checked"));
        Assert.Equal("", Value("EffectiveFrom"));
        Assert.Null(page.QuerySelector("[data-testid=scheduled]"));
    }

    [Fact]
    public async Task Renaming_a_plan_keeps_its_version_and_the_storefront_shows_the_new_name()
    {
        var id = await IdOf("week");

        var response = await _admin.EditAsync(id, With(("Input.NameEn", "Japan one week"), ("Input.NameZhHans", "日本 一周")));

        Assert.True(response.IsRedirect());
        var plan = await portal.Database.PlanAsync("week");
        Assert.Single(plan.Versions);
        Assert.Equal("Japan one week", plan.Name.En);
        Assert.Contains("Japan one week", (await portal.Factory.NewBrowser().GetDocumentAsync("/")).Text("[data-plan-code=week] .plan-name"));
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal("plan.updated", audit.Action);
        Assert.Contains("Japan 7 days", audit.Before);
        Assert.Contains("Japan one week", audit.After);
    }

    [Fact]
    public async Task A_price_change_from_now_is_a_new_version_on_sale_at_once_and_the_old_one_is_kept()
    {
        var id = await IdOf("week");

        var response = await _admin.EditAsync(id, With(("Input.Price", "2180")));

        Assert.True(response.IsRedirect());
        Assert.Equal("week now sells as ¥2,180 · 10 GB · 7 days · Physical SIM and eSIM.",
            (await _admin.GetDocumentAsync("/admin/plans")).Text(".status-message"));
        Assert.Equal("¥2,180", await StorefrontPriceAsync("week"));
        Assert.Equal("¥2,180", (await portal.Factory.NewBrowser().GetDocumentAsync("/plans/week")).Text("[data-testid=price]"));
        var plan = await portal.Database.PlanAsync("week");
        Assert.Equal([1980L, 2180L], plan.Versions.OrderBy(v => v.Number).Select(v => v.Price.Amount));
        Assert.Equal(portal.Factory.Clock.GetUtcNow(), plan.Versions.Single(v => v.Number == 2).EffectiveFrom);
        var audit = Assert.Single(await AuditAsync());
        Assert.Equal("plan.revised", audit.Action);
        Assert.Equal(1980, JsonDocument.Parse(audit.Before!).RootElement.GetProperty("priceYen").GetInt64());
        Assert.Equal(2180, JsonDocument.Parse(audit.After!).RootElement.GetProperty("priceYen").GetInt64());
    }

    [Fact]
    public async Task Saving_the_form_unchanged_changes_nothing_and_audits_nothing()
    {
        var id = await IdOf("week");

        Assert.True((await _admin.EditAsync(id, new Dictionary<string, string>())).IsRedirect());

        Assert.Single((await portal.Database.PlanAsync("week")).Versions);
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task A_scheduled_price_change_is_listed_and_can_be_cancelled_before_its_time()
    {
        var id = await IdOf("week");

        var response = await _admin.EditAsync(id, With(("Input.Price", "2180"), ("Input.EffectiveFrom", "2027-01-01T00:00")));

        Assert.True(response.IsRedirect());
        var list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.Equal("The change to week takes effect at 2027-01-01 00:00 JST.", list.Text(".status-message"));
        Assert.Equal("¥1,980 → ¥2,180 from 2027-01-01 00:00 JST", list.Text("[data-plan-code=week] [data-testid=scheduled]"));
        Assert.Equal("¥1,980", list.Text("[data-plan-code=week] [data-testid=price]"));
        Assert.Equal("¥1,980", await StorefrontPriceAsync("week"));
        var scheduled = (await portal.Database.PlanAsync("week")).Versions.Single(v => v.Number == 2);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 15, 0, 0, TimeSpan.Zero), scheduled.EffectiveFrom);

        var edit = await _admin.EditPageAsync(id);
        Assert.Equal("¥1,980 → ¥2,180 from 2027-01-01 00:00 JST", edit.Text("[data-testid=scheduled-text]"));
        var cancelled = await _admin.SubmitAsync(edit, "[data-testid=cancel-schedule-form]", new Dictionary<string, string>());

        Assert.True(cancelled.IsRedirect(), $"{(int)cancelled.StatusCode}: {string.Join(" | ", (await HtmlForms.ParseAsync(cancelled)).Errors())}");
        Assert.Single((await portal.Database.PlanAsync("week")).Versions); // a version never on sale is gone
        Assert.Equal("—", (await _admin.GetDocumentAsync("/admin/plans")).Text("[data-plan-code=week] [data-testid=scheduled]"));
        Assert.Equal(["plan.scheduled", "plan.schedule-cancelled"], (await AuditAsync()).Select(a => a.Action));
    }

    [Fact]
    public async Task A_new_schedule_replaces_the_pending_one()
    {
        var id = await IdOf("week");
        await _admin.EditAsync(id, With(("Input.Price", "2180"), ("Input.EffectiveFrom", "2027-01-01T00:00")));

        var response = await _admin.EditAsync(id, With(("Input.Price", "2280"), ("Input.ValidityDays", "8"), ("Input.EffectiveFrom", "2027-01-08T09:30")));

        Assert.True(response.IsRedirect());
        var versions = (await portal.Database.PlanAsync("week")).Versions.OrderBy(v => v.Number).ToList();
        Assert.Equal([1980L, 2280L], versions.Select(v => v.Price.Amount));
        Assert.Equal("¥1,980 → ¥2,280 · 7 days → 8 days from 2027-01-08 09:30 JST",
            (await _admin.GetDocumentAsync("/admin/plans")).Text("[data-plan-code=week] [data-testid=scheduled]"));
        var audit = await AuditAsync();
        Assert.Equal(["plan.scheduled", "plan.scheduled"], audit.Select(a => a.Action));
        Assert.Equal(2180, JsonDocument.Parse(audit[1].Before!).RootElement.GetProperty("replaced").GetProperty("priceYen").GetInt64());
    }

    [Fact]
    public async Task A_change_from_now_is_refused_while_a_change_is_scheduled()
    {
        var id = await IdOf("week");
        await _admin.EditAsync(id, With(("Input.Price", "2180"), ("Input.EffectiveFrom", "2027-01-01T00:00")));

        var response = await _admin.EditAsync(id, With(("Input.Price", "1500")));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("A change is already scheduled for 2027-01-01 00:00 JST. Cancel it first, or give this change a date: it then replaces the scheduled one.",
            (await HtmlForms.ParseAsync(response)).Errors());
        Assert.Equal([1980L, 2180L], (await portal.Database.PlanAsync("week")).Versions.OrderBy(v => v.Number).Select(v => v.Price.Amount));
        Assert.Equal(["plan.scheduled"], (await AuditAsync()).Select(a => a.Action));
    }

    [Fact]
    public async Task Deactivating_takes_a_plan_off_the_storefront_and_activating_puts_it_back()
    {
        var list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.True((await _admin.SubmitAsync(list, "[data-plan-code=week] [data-testid=deactivate-form]", new Dictionary<string, string>())).IsRedirect());

        Assert.Equal(["month", "day"], await StorefrontCodesAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await portal.Factory.NewBrowser().GetAsync("/plans/week")).StatusCode);
        list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.Equal("week is no longer on sale.", list.Text(".status-message"));
        Assert.Equal("Not on sale", list.Text("[data-plan-code=week] [data-testid=state]"));

        Assert.True((await _admin.SubmitAsync(list, "[data-plan-code=week] [data-testid=activate-form]", new Dictionary<string, string>())).IsRedirect());
        Assert.Equal(["week", "month", "day"], await StorefrontCodesAsync());
        Assert.Equal(["plan.deactivated", "plan.activated"], (await AuditAsync()).Select(a => a.Action));
    }

    [Fact]
    public async Task Moving_plans_reorders_the_storefront()
    {
        var list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.True((await _admin.SubmitAsync(list, "[data-plan-code=day] [data-testid=move-up-form]", new Dictionary<string, string>())).IsRedirect());
        Assert.Equal(["week", "day", "month"], await StorefrontCodesAsync());

        list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.True((await _admin.SubmitAsync(list, "[data-plan-code=week] [data-testid=move-down-form]", new Dictionary<string, string>())).IsRedirect());
        Assert.Equal(["day", "week", "month"], await StorefrontCodesAsync());
        Assert.Equal(["day", "week", "month"], (await _admin.GetDocumentAsync("/admin/plans")).QuerySelectorAll("[data-testid=plan-row]").Select(r => r.GetAttribute("data-plan-code")));

        // The top plan cannot move up (the button is disabled; a forced post changes nothing).
        list = await _admin.GetDocumentAsync("/admin/plans");
        Assert.True((await _admin.SubmitAsync(list, "[data-plan-code=day] [data-testid=move-up-form]", new Dictionary<string, string>())).IsRedirect());
        Assert.Equal(["day", "week", "month"], await StorefrontCodesAsync());
        var audit = await AuditAsync();
        Assert.Equal(["plan.moved", "plan.moved"], audit.Select(a => a.Action));
        Assert.Equal((await IdOf("day")).ToString(), audit[0].EntityId);
    }

    [Fact]
    public async Task Unknown_or_malformed_plan_ids_are_not_found_never_a_server_error()
    {
        var list = await _admin.GetDocumentAsync("/admin/plans");
        var token = list.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        foreach (var url in new[] { "/admin/plans?handler=MoveUp&id=not-a-guid", $"/admin/plans?handler=Deactivate&id={Guid.NewGuid()}", "/admin/plans?handler=Activate" })
        {
            var response = await _admin.PostAsync(url, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync($"/admin/plans/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/admin/plans/not-a-guid")).StatusCode);
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task Cancelling_a_change_that_is_no_longer_scheduled_says_so()
    {
        var id = await IdOf("week");
        await _admin.EditAsync(id, With(("Input.Price", "2180"), ("Input.EffectiveFrom", "2027-01-01T00:00")));
        var edit = await _admin.EditPageAsync(id);
        Assert.True((await _admin.SubmitAsync(edit, "[data-testid=cancel-schedule-form]", new Dictionary<string, string>())).IsRedirect());

        var again = await _admin.SubmitAsync(edit, "[data-testid=cancel-schedule-form]", new Dictionary<string, string>());
        var garbage = await _admin.SubmitAsync(edit, "[data-testid=cancel-schedule-form]", new Dictionary<string, string> { ["scheduledVersionId"] = "abc" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("That change is no longer scheduled: it has taken effect, or someone changed or cancelled it.", (await HtmlForms.ParseAsync(again)).Errors());
        Assert.Equal(HttpStatusCode.Conflict, garbage.StatusCode);
        Assert.Equal(["plan.scheduled", "plan.schedule-cancelled"], (await AuditAsync()).Select(a => a.Action));
    }

    [Theory]
    [InlineData(Roles.Traveller)]
    [InlineData(Roles.Staff)]
    public async Task Only_admins_reach_the_plan_pages(string role)
    {
        await new VoucherScenario(portal.Factory).UserAsync("someone@example.com", role);
        var client = await AdminPlanForms.SignInAdminAsync(portal.Factory, portal.Factory.NewBrowser(), "someone@example.com");

        foreach (var url in new[] { "/admin/plans", "/admin/plans/new", $"/admin/plans/{await IdOf("week")}" })
        {
            var response = await client.GetAsync(url);
            Assert.True(response.IsRedirect(), url);
            Assert.Contains("/account/access-denied", response.Headers.Location!.OriginalString);
        }
    }
}
