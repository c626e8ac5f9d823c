using System.Text.RegularExpressions;
using EsimRenewal.Core.Auditing;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.Vouchers;

namespace EsimRenewal.IntegrationTests.Localization;

/// <summary>Every admin page (dashboard, plans, orders, users, audit) and the invitation page read entirely in zh-Hans, ja and en.</summary>
public sealed partial class AdminLanguageTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private ApplicationUser _staff = null!;
    private Core.Orders.Order _order = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        var scenario = new VoucherScenario(portal.Factory);
        var admin = await scenario.AdminWithTwoFactorAsync("admin@example.com");
        _staff = await scenario.UserAsync("staff@example.com", Roles.Staff);
        await using var db = portal.Database.NewContext();
        AuditLog.Record(db, new Actor(admin.Id, "admin@example.com", "203.0.113.1"), "user.roles-changed", "User", _staff.Id,
            new { roles = new[] { "Traveller" } }, new { roles = new[] { "Staff" } }, scenario.Now);
        var plan = TestData.Plan("month", 30, 3980, Core.Plans.SimKinds.Both);
        var sim = Core.Sims.Sim.RegisterPhysical(Core.Sims.Iccid.FromBody("898110000000000961"), Core.Sims.SimPin.Hash("1234"), TestData.Epoch);
        _order = TestOrders.FulfilledRenewal(sim, plan.Versions.Single(), null, "guest@example.com", scenario.Now);
        db.AddRange(plan, sim, _order);
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
            foreach (var page in new[]
            {
                "/admin", "/admin/plans", "/admin/plans/new", "/admin/orders", "/admin/orders?q=bad&from=bad", "/admin/orders/{order}", "/admin/vouchers",
                "/admin/users", "/admin/users/invite", "/admin/users/{staff}", "/admin/audit", "/admin/audit?from=bad", "/account/invitation?token=broken",
            })
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
        var client = path.StartsWith("/account", StringComparison.Ordinal)
            ? portal.Factory.NewBrowser(language)
            : await portal.Factory.SignedInClientAsync("admin@example.com", language);

        var page = await client.GetDocumentAsync(path.Replace("{staff}", _staff.Id, StringComparison.Ordinal).Replace("{order}", _order.Id.ToString(), StringComparison.Ordinal));

        Assert.Equal(language, page.DocumentElement.GetAttribute("lang"));
        Assert.DoesNotMatch(ResourceKey(), page.Body!.TextContent);
        Assert.DoesNotMatch(ResourceKey(), string.Join(' ', page.QuerySelectorAll("[placeholder],[alt],[aria-label]").Select(e =>
            e.GetAttribute("placeholder") + e.GetAttribute("alt") + e.GetAttribute("aria-label"))));
        Assert.DoesNotMatch(ResourceKey(), page.Title ?? "");
    }
}
