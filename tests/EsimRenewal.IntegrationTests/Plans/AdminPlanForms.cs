using AngleSharp.Html.Dom;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Plans;

/// <summary>An admin using /admin/plans through its real forms.</summary>
internal static class AdminPlanForms
{
    public const string AdminEmail = "admin@example.com";

    /// <summary>Creates an admin account (once per database) and signs <paramref name="client"/> in with it.</summary>
    public static async Task<HttpClient> SignInAdminAsync(PortalFactory portal, HttpClient client, string email = AdminEmail)
    {
        await using (var db = portal.Database.NewContext())
        {
            if (!await db.Users.AnyAsync(u => u.UserName == email))
            {
                await new VoucherScenario(portal).UserAsync(email, Roles.Admin);
            }
        }
        var page = await client.GetDocumentAsync("/account/login");
        var response = await client.SubmitAsync(page, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = email,
            ["Input.Password"] = VoucherScenario.Password,
        });
        Assert.True(response.IsRedirect(), $"Signing in as {email} failed: {(int)response.StatusCode}");
        return client;
    }

    public static Task<HttpClient> AdminAsync(this PortalFactory portal, string language = "en", string email = AdminEmail) =>
        SignInAdminAsync(portal, portal.NewBrowser(language), email);

    /// <summary>Every field of a valid new plan; tests override one or two.</summary>
    public static Dictionary<string, string> NewPlan(string code = "jp-3d-5gb", string price = "1200") => new()
    {
        ["Input.Code"] = code,
        ["Input.NameZhHans"] = "日本 3天 5GB",
        ["Input.NameJa"] = "日本 3日間 5GB",
        ["Input.NameEn"] = "Japan 3 days 5 GB",
        ["Input.DescriptionZhHans"] = "高速流量 5GB。",
        ["Input.DescriptionJa"] = "高速データ 5GB。",
        ["Input.DescriptionEn"] = "5 GB of high-speed data.",
        ["Input.Price"] = price,
        ["Input.DataKind"] = "limited",
        ["Input.DataGb"] = "5",
        ["Input.DailyCapGb"] = "",
        ["Input.ValidityDays"] = "3",
        ["Input.Physical"] = "true",
        ["Input.Esim"] = "true",
        ["Input.Active"] = "true",
    };

    public static async Task<IHtmlDocument> EditPageAsync(this HttpClient admin, Guid planId) =>
        await admin.GetDocumentAsync($"/admin/plans/{planId}");

    /// <summary>Loads the edit page and submits its form with <paramref name="values"/> changed.</summary>
    public static async Task<HttpResponseMessage> EditAsync(this HttpClient admin, Guid planId, IReadOnlyDictionary<string, string> values) =>
        await admin.SubmitAsync(await admin.EditPageAsync(planId), "[data-testid=edit-form]", values);

    public static async Task<Guid> PlanIdAsync(this TestDatabase database, string code)
    {
        await using var db = database.NewContext();
        return await db.Plans.Where(p => p.Code == code).Select(p => p.Id).SingleAsync();
    }

    public static async Task<Plan> PlanAsync(this TestDatabase database, string code)
    {
        await using var db = database.NewContext();
        return await db.Plans.AsNoTracking().Include(p => p.Versions).SingleAsync(p => p.Code == code);
    }
}
