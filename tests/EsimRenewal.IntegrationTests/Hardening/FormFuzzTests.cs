using System.Net;
using System.Text;
using AngleSharp.Html.Dom;
using EsimRenewal.Core.Identity;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Hardening;

/// <summary>
/// Every page, found by reflection over the Razor Pages, rendered as each kind of visitor; every form on
/// it submitted with every field set, one at a time, to each value of a hostile corpus (wrong types,
/// lengths, encodings, injections), and every page asked with hostile query strings. Not one answer
/// may be a 500, not one unhandled exception may reach the log, and no value may come back unencoded.
/// </summary>
public sealed class FormFuzzTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private const string Script = "<script>alert('xss')</script>";
    private const string Attribute = "\"><img src=x onerror=alert(1)>";

    /// <summary>Visitors read Chinese, so a message the framework writes in English stands out.</summary>
    private const string Language = "zh-Hans";

    /// <summary>Phrases of ASP.NET Core's own English validation and binding messages.</summary>
    private static readonly string[] FrameworkMessages = ["is not valid", "is invalid", "field is required", "must be a number", "A value for the", "A value is required", "must not be null"];

    /// <summary>The corpus: each value is sent in every field of every form.</summary>
    public static readonly string[] Hostile =
    [
        "", " ", "abc", "-1", "0", "99999999999999999999999999", "1e309", "NaN", "true", "null",
        Script, Attribute, "' OR '1'='1' --", "../../../../etc/passwd", "%00%0d%0a", "\u0000", "\u0001\u0007\u001b\u007f",
        "\u202eevil", "😀𠀋", "１２３４", new string('a', 20_000), new string('長', 20_000), "\ud800", "2026-13-45", "9999-12-31T23:59:59Z",
        "{\"$where\":1}", "a\r\nSet-Cookie: pwned=1", Guid.Empty.ToString(), "-9223372036854775809", "0x7fffffff",
    ];

    private readonly Dictionary<string, string> _routeValues = [];

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        var scenario = new VoucherScenario(portal.Factory);
        var traveller = await scenario.UserAsync("traveller@example.com", Roles.Traveller);
        var staff = await scenario.UserAsync("desk@example.com", Roles.Staff);
        await scenario.AdminWithTwoFactorAsync("boss@example.com");
        var planVersionId = await scenario.PlanAsync("month", 30, SimKinds.Both);
        var sim = await scenario.SimAsync(traveller.Id, SimKind.Physical, planVersionId);
        var (batchId, codes) = await scenario.BatchAsync(planVersionId, staff.Id, count: 2);
        var redeemed = await scenario.WithRedemptionsAsync(r => r.RedeemAsync(codes[0].ToString(), SimKey.ByIccid(Iccid.Parse(sim.Iccid)), VoucherScenario.Staff(staff)));
        await using var db = portal.Database.NewContext();
        var plan = await db.Plans.SingleAsync();
        var order = TestOrders.FulfilledRenewal(await db.Sims.SingleAsync(s => s.Id == sim.Id), await db.PlanVersions.SingleAsync(v => v.Id == planVersionId), traveller.Id, "traveller@example.com", scenario.Now);
        db.Orders.Add(order);
        await db.SaveChangesAsync();
        _routeValues["sim"] = sim.Id.ToString();
        _routeValues["order"] = order.Id.ToString();
        _routeValues["batch"] = batchId.ToString();
        _routeValues["plan"] = plan.Id.ToString();
        _routeValues["code"] = plan.Code;
        _routeValues["user"] = staff.Id;
        _routeValues["redemption"] = redeemed.Value!.RedemptionId.ToString();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every routable page, with its route parameters filled with ids of rows that exist (so forms render).</summary>
    private IReadOnlyList<string> PageUrls() =>
        PageHandlers.All(portal.Factory).DistinctBy(h => h.Page).Select(h => (h with { Name = "" }).Url(p => ValueFor(h.Page, p))).ToList();

    private string ValueFor(string page, string parameter) => (page, parameter) switch
    {
        (_, "{code}") => _routeValues["code"],
        (_, "{statusCode:int}" or "{code:int}") => "404",
        ("/Admin/Orders/Details" or "/Orders/Details", _) => _routeValues["order"],
        ("/Admin/Vouchers/Details", _) => _routeValues["batch"],
        ("/Admin/Plans/Edit", _) => _routeValues["plan"],
        ("/Admin/Users/Details", _) => _routeValues["user"],
        ("/Staff/Slip", _) => _routeValues["redemption"],
        (_, _) when page.StartsWith("/Sims", StringComparison.Ordinal) => _routeValues["sim"],
        _ => Guid.NewGuid().ToString(),
    };

    private async Task<HttpClient> VisitorAsync(string who) => who switch
    {
        "anonymous" => portal.Factory.NewBrowser(Language),
        "traveller" => await portal.Factory.SignedInAsync("traveller@example.com", VoucherScenario.Password, Language),
        "staff" => await portal.Factory.SignedInAsync("desk@example.com", VoucherScenario.Password, Language),
        _ => await portal.Factory.SignedInAsync("boss@example.com", VoucherScenario.Password, Language),
    };

    /// <summary>The form that ends the visit (sign-out) is left alone.</summary>
    private static bool Skipped(IHtmlFormElement form) =>
        form.Action.Contains("/account/logout", StringComparison.OrdinalIgnoreCase);

    private static string FormKey(IHtmlFormElement form) =>
        form.Method + " " + form.Action + " " + string.Join(",", form.Elements.Select(e => e.GetAttribute("name")).Where(n => n is not null).Order());

    [Theory]
    [InlineData("anonymous")]
    [InlineData("traveller")]
    [InlineData("staff")]
    [InlineData("admin")]
    public async Task No_hostile_value_in_any_field_of_any_form_gives_a_500_or_comes_back_unencoded(string who)
    {
        var client = await VisitorAsync(who);
        var failures = new List<string>();
        var seen = new HashSet<string>();
        var logged = portal.Factory.Logs.Lines.Count;
        foreach (var url in PageUrls())
        {
            using var response = await client.GetAsync(url);
            Check(failures, $"GET {url}", response, await response.Content.ReadAsStringAsync(), null);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }
            var page = await HtmlForms.ParseAsync(response);
            foreach (var form in page.QuerySelectorAll("form").OfType<IHtmlFormElement>().Where(f => !Skipped(f) && seen.Add(FormKey(f))))
            {
                var fields = form.Elements.Select(e => e.GetAttribute("name")).Where(n => !string.IsNullOrEmpty(n) && n != "__RequestVerificationToken").Distinct().ToList();
                foreach (var field in fields)
                {
                    foreach (var value in Hostile)
                    {
                        await SubmitAsync(client, page, form, new Dictionary<string, string> { [field!] = value }, failures);
                    }
                }
                // Everything hostile at once; and, posted raw: every field missing, every field twice, malformed UTF-8 everywhere.
                await SubmitAsync(client, page, form, fields.ToDictionary(f => f!, _ => Script), failures);
                if (form.Method.Equals("post", StringComparison.OrdinalIgnoreCase))
                {
                    var named = fields.Select(f => Uri.EscapeDataString(f!)).ToList();
                    await PostRawAsync(client, form, "", failures);
                    await PostRawAsync(client, form, string.Join("&", named.SelectMany(f => new[] { $"{f}=1", $"{f}=abc" })), failures);
                    await PostRawAsync(client, form, string.Join("&", named.Select(f => $"{f}=%ff%fe%c0%af%ed%a0%80")), failures);
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} failures as {who}:\n" + string.Join("\n", failures.Take(40)));
        var unhandled = portal.Factory.Logs.Lines.Skip(logged).Where(l => l.Contains("An unhandled exception has occurred", StringComparison.Ordinal)).ToList();
        Assert.True(unhandled.Count == 0, string.Join("\n", unhandled.Take(3).Select(l => l[..Math.Min(l.Length, 3000)])));
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("admin")]
    public async Task Hostile_query_strings_on_every_page_give_no_500(string who)
    {
        var client = await VisitorAsync(who);
        var failures = new List<string>();
        var keys = new[] { "handler", "q", "state", "from", "to", "after", "page", "returnUrl", "id", "plan", "access", "session_id", "cancelled", "token", "code", "kind", "role", "actor", "action" };
        foreach (var url in PageUrls())
        {
            foreach (var value in new[] { "abc", Script, new string('9', 5_000), "%ff%fe", "\u0000", "-1", "true&true" })
            {
                var query = string.Join("&", keys.Select(k => k + "=" + Uri.EscapeDataString(value)));
                using var response = await client.GetAsync(url + (url.Contains('?') ? "&" : "?") + query);
                Check(failures, $"GET {url}?…={value[..Math.Min(value.Length, 20)]}", response, await response.Content.ReadAsStringAsync(), value);
            }
            // Malformed UTF-8 and every parameter twice, as raw bytes.
            var raw = string.Join("&", keys.SelectMany(k => new[] { k + "=%ff%fe%c0%af", k + "=1" }));
            using var malformed = await client.GetAsync(url + (url.Contains('?') ? "&" : "?") + raw);
            Check(failures, $"GET {url}?…=%ff%fe", malformed, await malformed.Content.ReadAsStringAsync(), null);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
    }

    private async Task SubmitAsync(HttpClient client, IHtmlDocument page, IHtmlFormElement form, Dictionary<string, string> values, List<string> failures)
    {
        HttpResponseMessage response;
        if (form.Method.Equals("get", StringComparison.OrdinalIgnoreCase))
        {
            var query = string.Join("&", form.Elements.Select(e => e.GetAttribute("name")).Where(n => !string.IsNullOrEmpty(n)).Distinct()
                .Select(n => n + "=" + Uri.EscapeDataString(values.GetValueOrDefault(n!, ""))));
            response = await client.GetAsync(form.Action.Split('?')[0] + "?" + query);
        }
        else
        {
            response = await client.SubmitAsync(page, Selector(form), values);
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            Check(failures, $"{form.Method.ToUpperInvariant()} {new Uri(form.Action).PathAndQuery} {string.Join(",", values.Keys)}={Preview(values.Values.FirstOrDefault() ?? "")}", response, body, values.Values.FirstOrDefault());
        }
    }

    /// <summary>Posts a form body exactly as given (after the form's antiforgery token), bytes a browser would never send.</summary>
    private static async Task PostRawAsync(HttpClient client, IHtmlFormElement form, string body, List<string> failures)
    {
        var token = form.Elements.OfType<IHtmlInputElement>().FirstOrDefault(e => e.Name == "__RequestVerificationToken")?.Value ?? "";
        var content = new StringContent($"__RequestVerificationToken={Uri.EscapeDataString(token)}&{body}", Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await client.PostAsync(new Uri(form.Action).PathAndQuery, content);
        Check(failures, $"POST {new Uri(form.Action).PathAndQuery} raw {Preview(body)}", response, await response.Content.ReadAsStringAsync(), null);
    }

    private static string Selector(IHtmlFormElement form) =>
        form.GetAttribute("data-testid") is { } id ? $"form[data-testid='{id}']" : $"form[action='{form.GetAttribute("action")}']";

    private static string Preview(string value) => value.Length > 20 ? value[..20] + "…" : value;

    private static void Check(List<string> failures, string what, HttpResponseMessage response, string body, string? sent)
    {
        if ((int)response.StatusCode >= 500)
        {
            failures.Add($"{what}: {(int)response.StatusCode}");
        }
        if (sent is Script or Attribute && body.Contains(sent, StringComparison.Ordinal))
        {
            failures.Add($"{what}: the value came back unencoded");
        }
        if (FrameworkMessages.FirstOrDefault(m => body.Contains(m, StringComparison.Ordinal)) is { } english)
        {
            failures.Add($"{what}: the framework's English message \"{english}\"");
        }
    }
}
