using System.Net;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Plans;

/// <summary>
/// Bad input on every admin plan form: each value gets its localised message, nothing changes, and
/// nothing is ever a server error (numbers, dates and check boxes are bound as text).
/// The clock is 2026-12-01 12:00 JST.
/// </summary>
public sealed class AdminPlanInputTests(PortalFixture portal) : IClassFixture<PortalFixture>, IAsyncLifetime
{
    private static readonly string Huge = new('長', 20_000);
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        await portal.Database.ResetAsync();
        await using (var db = portal.Database.NewContext())
        {
            db.Plans.Add(TestData.Plan("week", 7, 1980, SimKinds.Both, sortOrder: 10));
            await db.SaveChangesAsync();
        }
        _admin = await portal.Factory.AdminAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private const string Name = "Enter a name of up to 200 characters, on one line.";
    private const string Description = "Enter a description of up to 200 characters.";
    private const string Price = "Enter the price in whole yen, from ¥50 to ¥1,000,000.";
    private const string DataKind = "Choose a data allowance or unlimited data.";
    private const string Data = "Enter the data allowance in GB, more than 0 and up to 10,000 (e.g. 10 or 1.5).";
    private const string Cap = "Enter the daily cap in GB, more than 0 and up to 1,000, or leave it empty.";
    private const string Days = "Enter the validity in whole days, from 1 to 366.";
    private const string Checkbox = "This choice was not understood. Tick or untick the box and save again.";
    private const string Kinds = "Choose at least one SIM kind.";
    private const string Code = "Enter a code of lower-case letters, digits and hyphens, up to 40 characters (e.g. jp-7d-10gb).";
    private const string When = "Enter a date and time in Japan time that is later than now and within two years, or leave it empty to apply the change now.";
    private const string OutOfDate = "This form is out of date. Reload the page and make your change again.";

    /// <summary>Bad values for the fields both forms share: field, value, the message it gets.</summary>
    public static TheoryData<string, string, string> SharedFields => new()
    {
        { "NameZhHans", "", Name },
        { "NameJa", "   ", Name },
        { "NameEn", Huge, Name },
        { "NameEn", "two\nlines", Name },
        { "NameEn", new string('x', 201), Name },
        { "DescriptionZhHans", "", Description },
        { "DescriptionJa", Huge, Description },
        { "DescriptionEn", "bell\a", Description },
        { "Price", "", Price },
        { "Price", "abc", Price },
        { "Price", "-5", Price },
        { "Price", "0", Price },
        { "Price", "49", Price },
        { "Price", "1000001", Price },
        { "Price", "1980.5", Price },
        { "Price", "1e3", Price },
        { "Price", "99999999999999999999999999", Price },
        { "Price", Huge, Price },
        { "DataKind", "", DataKind },
        { "DataKind", "abc", DataKind },
        { "DataGb", "", Data },
        { "DataGb", "0", Data },
        { "DataGb", "-1", Data },
        { "DataGb", "abc", Data },
        { "DataGb", "NaN", Data },
        { "DataGb", "10001", Data },
        { "DataGb", "0.0001", Data },
        { "DataGb", "1.23456", Data },
        { "DataGb", Huge, Data },
        { "DailyCapGb", "0", Cap },
        { "DailyCapGb", "abc", Cap },
        { "DailyCapGb", "1001", Cap },
        { "ValidityDays", "", Days },
        { "ValidityDays", "0", Days },
        { "ValidityDays", "367", Days },
        { "ValidityDays", "-7", Days },
        { "ValidityDays", "7.5", Days },
        { "ValidityDays", "abc", Days },
        { "ValidityDays", "99999999999999", Days },
        { "Physical", "abc", Checkbox },
        { "Esim", "on", Checkbox },
        { "Esim", Huge, Checkbox },
    };

    public static TheoryData<string, string, string> CreateOnlyFields => new()
    {
        { "Code", "", Code },
        { "Code", "JP 7D", Code },
        { "Code", "-jp", Code },
        { "Code", "日本-7d", Code },
        { "Code", new string('a', 41), Code },
        { "Code", Huge, Code },
        { "Active", "abc", Checkbox },
    };

    public static TheoryData<string, string, string> EditOnlyFields => new()
    {
        { "EffectiveFrom", "2026-11-30T12:00", When },  // yesterday
        { "EffectiveFrom", "2026-12-01T12:00", When },  // now, not later
        { "EffectiveFrom", "2029-01-01T00:00", When },  // more than two years ahead
        { "EffectiveFrom", "tomorrow", When },
        { "EffectiveFrom", "2027-02-30T00:00", When },
        { "EffectiveFrom", Huge, When },
        { "Version", "abc", OutOfDate },
        { "Version", "", OutOfDate },
        { "Version", "-1", OutOfDate },
    };

    private static Dictionary<string, string> Bad(string field, string value, Dictionary<string, string>? valid = null)
    {
        var values = valid ?? [];
        values["Input." + field] = value;
        if (field == "DailyCapGb")
        {
            values["Input.DataKind"] = "unlimited";
        }
        return values;
    }

    [Theory]
    [MemberData(nameof(SharedFields))]
    [MemberData(nameof(CreateOnlyFields))]
    public async Task Bad_input_on_the_create_form_is_refused_with_its_message_and_nothing_is_created(string field, string value, string message)
    {
        var form = await _admin.GetDocumentAsync("/admin/plans/new");

        var response = await _admin.SubmitAsync(form, "[data-testid=create-form]", Bad(field, value, AdminPlanForms.NewPlan()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal([message], page.Errors());
        await using var db = portal.Database.NewContext();
        Assert.Equal(["week"], await db.Plans.Select(p => p.Code).ToListAsync());
        Assert.Empty(await db.AuditEntries.Where(a => a.EntityType == "Plan").ToListAsync()); // the admin's sign-in is audited too
    }

    [Fact]
    public async Task A_plan_needs_at_least_one_sim_kind()
    {
        var form = await _admin.GetDocumentAsync("/admin/plans/new");
        var values = AdminPlanForms.NewPlan();
        values["Input.Physical"] = "";
        values["Input.Esim"] = "false";

        var response = await _admin.SubmitAsync(form, "[data-testid=create-form]", values);

        Assert.Equal([Kinds], (await HtmlForms.ParseAsync(response)).Errors());
    }

    [Theory]
    [MemberData(nameof(SharedFields))]
    [MemberData(nameof(EditOnlyFields))]
    public async Task Bad_input_on_the_edit_form_is_refused_with_its_message_and_the_plan_is_unchanged(string field, string value, string message)
    {
        var id = await portal.Database.PlanIdAsync("week");
        var before = await portal.Database.PlanAsync("week");

        var response = await _admin.EditAsync(id, Bad(field, value, new() { ["Input.Price"] = "2180" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal([message], page.Errors());
        var after = await portal.Database.PlanAsync("week");
        Assert.Equal((before.Version, before.Name, 1), (after.Version, after.Name, after.Versions.Count));
        await using var db = portal.Database.NewContext();
        Assert.Empty(await db.AuditEntries.Where(a => a.EntityType == "Plan").ToListAsync()); // the admin's sign-in is audited too
    }

    [Fact]
    public async Task The_form_shows_again_with_what_was_typed()
    {
        var id = await portal.Database.PlanIdAsync("week");

        var response = await _admin.EditAsync(id, new Dictionary<string, string>
        {
            ["Input.Price"] = "abc",
            ["Input.NameEn"] = "Japan week",
            ["Input.Physical"] = "abc",
            ["Input.DataKind"] = "unlimited",
            ["Input.EffectiveFrom"] = "2027-01-01T00:00",
        });

        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal("abc", page.QuerySelector("[name='Input.Price']")!.GetAttribute("value"));
        Assert.Equal("Japan week", page.QuerySelector("[name='Input.NameEn']")!.GetAttribute("value"));
        Assert.Equal("2027-01-01T00:00", page.QuerySelector("[name='Input.EffectiveFrom']")!.GetAttribute("value"));
        Assert.True(page.QuerySelector("[data-testid=data-unlimited]")!.HasAttribute("checked"));
        Assert.False(page.QuerySelector("[data-testid=kind-physical]")!.HasAttribute("checked"));
        Assert.Equal("¥1,980", page.Text("[data-testid=on-sale] .plan-price"));
    }

    [Theory]
    [InlineData("zh-Hans", "请输入整数日元价格，范围 ¥50 至 ¥1,000,000。", "请输入晚于现在、两年以内的日本时间日期和时间；或留空以立即生效。")]
    [InlineData("ja", "料金を円単位の整数で、¥50〜¥1,000,000 の範囲で入力してください。", "現在より後、2年以内の日本時間の日時を入力してください。すぐに適用する場合は空欄にしてください。")]
    public async Task Messages_are_in_the_admins_language(string language, string price, string when)
    {
        var admin = await portal.Factory.AdminAsync(language);
        var id = await portal.Database.PlanIdAsync("week");

        var response = await admin.EditAsync(id, new Dictionary<string, string> { ["Input.Price"] = "abc", ["Input.EffectiveFrom"] = "2020-01-01T00:00" });

        var page = await HtmlForms.ParseAsync(response);
        Assert.Equal([price, when], page.Errors());
        Assert.DoesNotMatch(@"\bAdmin\.Plans\.[A-Za-z.]+", page.Body!.TextContent);
    }
}
