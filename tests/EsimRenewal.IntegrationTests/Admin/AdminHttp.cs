using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using EsimRenewal.Core.Identity;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Admin;

/// <summary>Requests to the admin pages, including the ones a browser would never send.</summary>
internal static class AdminHttp
{
    /// <summary>
    /// A POST written by hand, as a script would send it: the antiforgery token taken from any form of
    /// <paramref name="tokenPage"/>, then whatever <paramref name="fields"/> say, to <paramref name="action"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> CraftedPostAsync(this HttpClient client, string tokenPage, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var page = await client.GetDocumentAsync(tokenPage);
        var token = page.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")?.Value
            ?? throw new InvalidOperationException($"No antiforgery token on {tokenPage}.");
        using var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
        return await client.PostAsync(action, content);
    }

    /// <summary>Posts the roles form of an account as the page does (its empty marker field first) with these roles ticked.</summary>
    public static Task<HttpResponseMessage> PostRolesAsync(this HttpClient client, string userId, params string[] roles) =>
        client.CraftedPostAsync("/account/logout", $"/admin/users/{userId}?handler=Roles", roles.Prepend("").Select(r => new KeyValuePair<string, string>("Input.Roles", r)));

    public static Task<HttpResponseMessage> PostActionAsync(this HttpClient client, string userId, string handler) =>
        client.CraftedPostAsync("/account/logout", $"/admin/users/{userId}?handler={handler}", []);

    public static async Task<IReadOnlyList<string>> RolesOfAsync(this TestDatabase database, string userId)
    {
        await using var db = database.NewContext();
        return await db.UserRoles.Where(ur => ur.UserId == userId).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).OrderBy(n => n).ToListAsync();
    }

    public static async Task<ApplicationUser> ReloadUserAsync(this TestDatabase database, string userId)
    {
        await using var db = database.NewContext();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId);
    }
}
