using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EsimRenewal.IntegrationTests.Vouchers;

/// <summary>A portal whose background generation worker is off, so a test steps generation chunk by chunk.</summary>
public sealed class ManualGenerationPortal(TestDatabase database) : PortalFactory(database)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Vouchers:GenerateInBackground", "false")];
}

public sealed class ManualGenerationFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public ManualGenerationPortal Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Factory = new ManualGenerationPortal(Database);
        _ = Factory.Server;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Two instances of the portal on one database, as behind a load balancer.</summary>
public sealed class TwoPortalsFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public PortalFactory A { get; private set; } = null!;
    public PortalFactory B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        A = new PortalFactory(Database);
        B = new PortalFactory(Database);
        _ = A.Server;
        _ = B.Server;
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Browsing the voucher pages through their real forms.</summary>
internal static class VoucherHttp
{
    public static HttpClient NewClient(this PortalFactory portal, string language = "en")
    {
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    public static async Task<HttpClient> SignedInClientAsync(this PortalFactory portal, string email, string language = "en")
    {
        var client = portal.NewClient(language);
        var page = await client.GetDocumentAsync("/account/login");
        var response = await client.SubmitAsync(page, "[data-testid=login-form]", new Dictionary<string, string>
        {
            ["Input.Identifier"] = email,
            ["Input.Password"] = VoucherScenario.Password,
        });
        response = await portal.AnswerSecondStepAsync(client, response, email); // accounts with two-factor sign-in on
        Assert.True(response.IsRedirect(), $"Signing in as {email} failed: {(int)response.StatusCode}");
        return client;
    }

    /// <summary>Traveller step 1: the code form on /redeem.</summary>
    public static async Task<HttpResponseMessage> FindAsync(this HttpClient client, string code)
    {
        var page = await client.GetDocumentAsync("/redeem");
        return await client.SubmitAsync(page, "[data-testid=redeem-code-form]", new Dictionary<string, string> { ["Input.Code"] = code });
    }

    /// <summary>Traveller steps 1–2: code, then the SIM; returns the preview page.</summary>
    public static async Task<IHtmlDocument> PreviewAsync(this HttpClient client, string code, Guid simId)
    {
        var offer = await HtmlForms.ParseAsync(await client.FindAsync(code));
        var response = await client.SubmitAsync(offer, "[data-testid=redeem-sim-form]", new Dictionary<string, string> { ["Input.SimId"] = simId.ToString() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await HtmlForms.ParseAsync(response);
    }

    /// <summary>Posts the traveller's confirm step directly (with a valid antiforgery token), skipping the earlier steps.</summary>
    public static async Task<HttpResponseMessage> PostConfirmAsync(this HttpClient client, string code, Guid simId)
    {
        var page = await client.GetDocumentAsync("/redeem");
        var token = page.QuerySelector<IHtmlInputElement>("[data-testid=redeem-code-form] input[name=__RequestVerificationToken]")!.Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Input.Code"] = code,
            ["Input.SimId"] = simId.ToString(),
        });
        return await client.PostAsync("/redeem?handler=Confirm", form);
    }

    /// <summary>Staff: the preview of a code and an ICCID on /staff/redeem.</summary>
    public static async Task<HttpResponseMessage> StaffPreviewAsync(this HttpClient client, string code, string iccid)
    {
        var page = await client.GetDocumentAsync("/staff/redeem");
        return await client.SubmitAsync(page, "[data-testid=staff-redeem-form]", new Dictionary<string, string>
        {
            ["Input.Code"] = code,
            ["Input.Iccid"] = iccid,
        });
    }

    public static async Task<HttpResponseMessage> LookUpAsync(this HttpClient client, string serialOrCode)
    {
        var page = await client.GetDocumentAsync("/staff/vouchers");
        return await client.SubmitAsync(page, "[data-testid=lookup-form]", new Dictionary<string, string> { ["Input.Query"] = serialOrCode });
    }
}
