using System.Net;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.StripeEmulator;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>Two portal processes (A and B) on one database and one Stripe emulator, whose webhooks go to B.</summary>
public sealed class TwoProcessesFixture : IAsyncLifetime
{
    public PatientEmulator Emulator { get; } = new();
    public TestDatabase Database { get; private set; } = null!;
    public PortalProcess A { get; private set; } = null!;
    public PortalProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Emulator.InitializeAsync();
        Database = await TestDatabase.CreateAsync();
        KeyValuePair<string, string?>[] settings = [new("Stripe:ApiBase", Emulator.BaseUrl)];
        var starting = new[] { PortalProcess.StartAsync(Database, PortalProcess.FreePort(), settings), PortalProcess.StartAsync(Database, PortalProcess.FreePort(), settings) };
        (A, B) = (await starting[0], await starting[1]);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await Database.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>
/// One person's browser alternating between two portal processes, as behind a load balancer without sticky
/// sessions: what one process issued (sign-in cookie, antiforgery token, failed attempts) holds on the other.
/// </summary>
public sealed class TwoProcessesTests(TwoProcessesFixture processes) : IClassFixture<TwoProcessesFixture>, IAsyncLifetime
{
    private const string Locked = "Too many failed sign-ins: the account is locked for a while. Please try again in 15 minutes.";

    // One cookie jar for both, as a browser has for one host name (cookies are not kept per port).
    private readonly CookieContainer _cookies = new();

    public async Task InitializeAsync()
    {
        await processes.Database.ResetAsync();
        await processes.Emulator.ResetAsync();
        await processes.Emulator.ConfigureWebhookAsync(processes.B.Url + "/stripe/webhook", PortalFactory.StripeWebhookSecret);
        await using var db = processes.Database.NewContext();
        db.Plans.Add(TestData.Plan("month", 30, 1980, SimKinds.Both, sortOrder: 1));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Signed_up_on_one_the_traveller_renews_on_the_other_with_its_form_token_and_the_webhook_there_fulfils_the_order_once()
    {
        var onA = processes.A.NewClient(_cookies);
        var onB = processes.B.NewClient(_cookies);
        var userId = await Travellers.RegisterAsync(onA, processes.Database, "mei@example.com");
        var sim = await TestData.MonthSimAsync(processes.Database, userId, "898110000000000042", DateTimeOffset.UtcNow.AddDays(-6));
        var renewOnA = await onA.GetDocumentAsync($"/sims/{sim.Id}/renew");
        var month = new Dictionary<string, string> { ["Input.PlanVersionId"] = (await MonthVersionIdAsync()).ToString() };

        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/sims")).StatusCode); // signed in on B with A's cookie
        var withoutToken = await onB.PostAsync($"/sims/{sim.Id}/renew", new FormUrlEncodedContent(month));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode); // B does check the token
        var checkout = await onB.SubmitAsync(renewOnA, "[data-testid=renew-form]", month); // A's form and token, posted to B

        Assert.StartsWith(processes.Emulator.BaseUrl + "/checkout/", checkout.Headers.Location!.ToString());
        Order order;
        await using (var db = processes.Database.NewContext())
        {
            order = await db.Orders.AsNoTracking().SingleAsync();
        }
        await processes.Emulator.PaySuccessfullyAsync(order.CheckoutSessionId!);
        await using (var db = processes.Database.NewContext())
        {
            var fulfilled = await Eventually.Within(TimeSpan.FromSeconds(30), () => db.Orders.AsNoTracking().SingleAsync(), o => o.State == OrderState.Fulfilled);
            Assert.Equal(OrderState.Fulfilled, fulfilled.State);
            Assert.Equal(sim.ExpiresAt!.Value.AddDays(30), (await db.Sims.AsNoTracking().SingleAsync()).ExpiresAt);
            Assert.Equal(1, await db.OutboxMessages.CountAsync());
        }
        Assert.Contains("Paid.", (await onA.GetDocumentAsync($"/orders/{order.Id}")).Body!.TextContent);
    }

    [Fact]
    public async Task Failed_sign_ins_alternating_between_the_two_add_up_and_lock_on_both()
    {
        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var portal = i % 2 == 0 ? processes.A : processes.B;
            var client = portal.NewClient();
            var response = await client.SubmitAsync(await client.GetDocumentAsync("/account/login"), "[data-testid=login-form]", new Dictionary<string, string>
            {
                ["Input.Identifier"] = "nobody@example.com",
                ["Input.Password"] = "wrong " + i,
            });
            answers.Add(string.Join(" ", (await HtmlForms.ParseAsync(response)).Errors()));
        }

        // The limit is five failures in all, whichever process took them: the fifth (on A) and the sixth (on B) are locked.
        Assert.Equal(["The account or password is not correct.", "The account or password is not correct.", "The account or password is not correct.",
            "The account or password is not correct.", Locked, Locked], answers);
    }

    private async Task<Guid> MonthVersionIdAsync()
    {
        await using var db = processes.Database.NewContext();
        return await db.PlanVersions.Where(v => v.Plan.Code == "month").Select(v => v.Id).SingleAsync();
    }
}
