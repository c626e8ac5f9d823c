using System.Net;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Plans;

/// <summary>
/// Two admins saving one plan: the first save wins, the other is told the plan changed meanwhile,
/// sees what was saved, and nothing of theirs is saved silently.
/// </summary>
public sealed class PlanConcurrencyTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private Guid _planId;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using var db = portal.Database.NewContext();
        var plan = TestData.Plan("week", 7, 1980, SimKinds.Both);
        db.Plans.Add(plan);
        await db.SaveChangesAsync();
        _planId = plan.Id;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_second_of_two_forms_opened_before_either_saved_is_refused_and_shows_the_first_admins_values()
    {
        var alice = await portal.Factory.AdminAsync(email: "alice@example.com");
        var bob = await portal.Factory.AdminAsync(email: "bob@example.com");
        var alicesForm = await alice.EditPageAsync(_planId);
        var bobsForm = await bob.EditPageAsync(_planId);

        var first = await alice.SubmitAsync(alicesForm, "[data-testid=edit-form]", new Dictionary<string, string>
        {
            ["Input.Price"] = "2180",
            ["Input.NameEn"] = "Japan week (Alice)",
        });
        var second = await bob.SubmitAsync(bobsForm, "[data-testid=edit-form]", new Dictionary<string, string>
        {
            ["Input.Price"] = "2280",
            ["Input.NameEn"] = "Japan week (Bob)",
        });

        Assert.True(first.IsRedirect());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var page = await HtmlForms.ParseAsync(second);
        Assert.Contains("Someone else saved this plan while you were editing it. Nothing was saved.", page.Errors());
        Assert.Equal("¥2,180", page.Text("[data-testid=conflict-price]"));
        Assert.Contains("Japan week (Alice)", page.Text("[data-testid=conflict-values]"));
        Assert.Equal("¥2,180", page.Text("[data-testid=on-sale] .plan-price"));
        Assert.Equal("2280", page.QuerySelector("[name='Input.Price']")!.GetAttribute("value")); // Bob's typing is kept
        Assert.Equal("Japan week (Bob)", page.QuerySelector("[name='Input.NameEn']")!.GetAttribute("value"));

        var saved = await portal.Database.PlanAsync("week");
        Assert.Equal("Japan week (Alice)", saved.Name.En);
        Assert.Equal([1980L, 2180L], saved.Versions.OrderBy(v => v.Number).Select(v => v.Price.Amount));
        await using (var db = portal.Database.NewContext())
        {
            Assert.Equal(["alice@example.com", "alice@example.com"], await db.AuditEntries.Where(a => a.EntityType == "Plan").OrderBy(a => a.Id).Select(a => a.ActorName).ToListAsync());
        }

        // Having seen Alice's values, Bob saves again on purpose: now his values win.
        var third = await bob.SubmitAsync(page, "[data-testid=edit-form]", new Dictionary<string, string>());
        Assert.True(third.IsRedirect());
        saved = await portal.Database.PlanAsync("week");
        Assert.Equal("Japan week (Bob)", saved.Name.En);
        Assert.Equal([1980L, 2180L, 2280L], saved.Versions.OrderBy(v => v.Number).Select(v => v.Price.Amount));
    }

    [Fact]
    public async Task Of_admins_saving_the_same_form_at_the_same_moment_exactly_one_wins()
    {
        const int admins = 6;
        var clients = new List<HttpClient>();
        for (var i = 0; i < admins; i++)
        {
            clients.Add(await portal.Factory.AdminAsync(email: $"admin{i}@example.com"));
        }
        var forms = await Task.WhenAll(clients.Select(c => c.EditPageAsync(_planId)));
        using var barrier = new Barrier(admins);

        var responses = await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            return await client.SubmitAsync(forms[i], "[data-testid=edit-form]", new Dictionary<string, string>
            {
                ["Input.Price"] = (2000 + i * 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Input.EffectiveFrom"] = i % 2 == 0 ? "" : "2027-01-01T00:00",
            });
        })));

        Assert.Single(responses, r => r.IsRedirect());
        Assert.Equal(admins - 1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var saved = await portal.Database.PlanAsync("week");
        Assert.Equal(2, saved.Versions.Count);
        await using var db = portal.Database.NewContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.EntityType == "Plan"));
    }
}
