using System.Net;
using System.Text.Json;
using EsimRenewal.Core.Notifications;
using EsimRenewal.Core.Orders;
using EsimRenewal.Core.Plans;
using EsimRenewal.Core.Sims;
using EsimRenewal.Core.Vouchers;
using EsimRenewal.IntegrationTests.Infrastructure;
using EsimRenewal.IntegrationTests.StripeEmulator;
using EsimRenewal.StripeEmulator;
using EsimRenewal.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace EsimRenewal.IntegrationTests.Resilience;

/// <summary>The Stripe emulator with the portal's key and secret, retrying a webhook every 0.5–1 s for as long as a restart or an outage takes.</summary>
public sealed class PatientEmulator : EmulatorFixture
{
    protected override void Configure(EmulatorOptions options)
    {
        base.Configure(options);
        options.SecretKey = PortalFactory.StripeSecretKey;
        options.WebhookSecret = PortalFactory.StripeWebhookSecret;
        options.WebhookRetryBaseDelay = TimeSpan.FromMilliseconds(500);
        options.WebhookRetryMaxDelay = TimeSpan.FromSeconds(1);
        options.WebhookMaxAttempts = 180;
    }
}

public sealed class CrashFixture : IAsyncLifetime
{
    public PatientEmulator Emulator { get; } = new();

    public TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Emulator.InitializeAsync();
        Database = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>
/// The portal as a process of its own, killed with SIGKILL at the worst moments (the <see cref="CrashPoint"/> switch
/// of test configuration), then started again on the same address: every paid session ends with exactly one
/// fulfilled order, no SIM is extended twice, no carrier message is applied twice, no voucher batch is half made.
/// </summary>
public sealed class CrashRecoveryTests(CrashFixture fixture) : IClassFixture<CrashFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120); // a loaded 2-core CI machine took 13 s for one renewal POST
    private readonly int _port = PortalProcess.FreePort();
    private PortalProcess? _portal;

    public async Task InitializeAsync()
    {
        await fixture.Database.ResetAsync();
        await fixture.Emulator.ResetAsync();
        await fixture.Emulator.ConfigureWebhookAsync($"http://127.0.0.1:{_port}/stripe/webhook", PortalFactory.StripeWebhookSecret);
        await using var db = fixture.Database.NewContext();
        db.Plans.Add(TestData.Plan("month", 30, 1980, SimKinds.Both, sortOrder: 1));
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }

    [Fact]
    public async Task Killed_after_the_order_row_is_written_before_the_checkout_exists_nothing_is_left_half_made_and_the_traveller_pays_after_the_restart()
    {
        await StartAsync(CrashPoint.BeforeCheckoutSession);
        var (client, sim) = await TravellerWithSimAsync();

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => RenewAsync(client, sim.Id));
        await CrashedAtAsync(CrashPoint.BeforeCheckoutSession);

        await using (var db = fixture.Database.NewContext())
        {
            Assert.Equal(0, await db.Orders.CountAsync());
        }
        Assert.Empty(await fixture.Emulator.RequestsAsync("/v1/checkout/sessions"));

        await StartAsync(crashAt: null);
        // The same browser: its sign-in cookie survives the restart (the keys are in PostgreSQL).
        var checkout = await RenewAsync(client, sim.Id);
        Assert.StartsWith(fixture.Emulator.BaseUrl + "/checkout/", checkout.Headers.Location!.ToString());
        var order = await SingleOrderAsync();
        await fixture.Emulator.PaySuccessfullyAsync(order.CheckoutSessionId!);

        await FulfilledOnceAsync(order.Id, sim);
    }

    [Fact]
    public async Task Killed_when_the_payment_webhook_arrives_the_order_is_fulfilled_once_by_stripes_retry_after_the_restart()
    {
        await StartAsync(CrashPoint.WebhookReceived);
        var (client, sim) = await TravellerWithSimAsync();
        await RenewAsync(client, sim.Id);
        var order = await SingleOrderAsync();

        await fixture.Emulator.PaySuccessfullyAsync(order.CheckoutSessionId!);
        await CrashedAtAsync(CrashPoint.WebhookReceived);

        Assert.Equal(OrderState.PendingPayment, (await SingleOrderAsync()).State);
        Assert.Equal(sim.ExpiresAt, (await SimAsync(sim.Id)).ExpiresAt);

        await StartAsync(crashAt: null);

        await FulfilledOnceAsync(order.Id, sim);
    }

    [Fact]
    public async Task Killed_after_fulfilment_commits_before_the_webhook_is_answered_stripes_retry_changes_nothing_more()
    {
        await StartAsync(CrashPoint.BeforeWebhookAnswer);
        var (client, sim) = await TravellerWithSimAsync();
        await RenewAsync(client, sim.Id);
        var order = await SingleOrderAsync();

        await fixture.Emulator.PaySuccessfullyAsync(order.CheckoutSessionId!);
        await CrashedAtAsync(CrashPoint.BeforeWebhookAnswer);

        var completed = (await fixture.Emulator.EventsAboutAsync(order.CheckoutSessionId!, "checkout.session.completed")).Single();
        Assert.DoesNotContain(await fixture.Emulator.DeliveriesAsync(completed.Id), Accepted);
        Assert.Equal(OrderState.Fulfilled, (await SingleOrderAsync()).State); // committed before the kill

        await StartAsync(crashAt: null);

        var deliveries = await Eventually.Within(Patience, () => fixture.Emulator.DeliveriesAsync(completed.Id), attempts => attempts.Any(Accepted));
        Assert.Contains(deliveries, Accepted);
        await FulfilledOnceAsync(order.Id, sim);
    }

    [Fact]
    public async Task Killed_in_the_outbox_worker_after_the_carrier_call_the_message_is_delivered_again_and_the_carrier_applies_it_once()
    {
        await StartAsync(CrashPoint.AfterCarrierCall, workers: true);
        var (client, sim) = await TravellerWithSimAsync();
        await RenewAsync(client, sim.Id);
        var order = await SingleOrderAsync();

        await fixture.Emulator.PaySuccessfullyAsync(order.CheckoutSessionId!);
        await CrashedAtAsync(CrashPoint.AfterCarrierCall);

        await using (var db = fixture.Database.NewContext())
        {
            var message = await db.OutboxMessages.AsNoTracking().SingleAsync();
            Assert.Null(message.DeliveredAt);
            Assert.Equal(1, await db.SimulatedCarrierCalls.CountAsync());
        }

        await StartAsync(crashAt: null, workers: true);

        await using (var db = fixture.Database.NewContext())
        {
            var delivered = await Eventually.Within(Patience, () => db.OutboxMessages.AsNoTracking().SingleAsync(), m => m.DeliveredAt is not null);
            Assert.NotNull(delivered.DeliveredAt);
            Assert.Contains($"Outbox message {delivered.Id} delivered to the carrier", _portal!.Output);
            var applied = await db.SimulatedCarrierCalls.AsNoTracking().SingleAsync();
            Assert.Equal((await SimAsync(sim.Id)).ExpiresAt, applied.ExpiresAt);
        }
        await FulfilledOnceAsync(order.Id, sim);
    }

    [Fact]
    public async Task Killed_during_voucher_batch_generation_the_batch_is_finished_after_the_restart_with_exactly_its_quantity_of_distinct_vouchers()
    {
        const int Quantity = 350;
        string[] generating = ["Vouchers:GenerateInBackground=true", "Vouchers:GenerationChunkSize=100"];
        await StartAsync(CrashPoint.DuringVoucherBatch, extra: generating);
        var (_, adminId) = await SignUpAsync("ops@example.com");
        Guid batchId;
        await using (var db = fixture.Database.NewContext())
        {
            var month = await db.PlanVersions.Include(v => v.Plan).SingleAsync(v => v.Plan.Code == "month");
            var batch = VoucherBatch.Create(month, SalesChannels.All.First(), Quantity, DateTimeOffset.UtcNow.AddYears(1), adminId, DateTimeOffset.UtcNow);
            db.VoucherBatches.Add(batch);
            await db.SaveChangesAsync();
            batchId = batch.Id;
        }

        await CrashedAtAsync(CrashPoint.DuringVoucherBatch);

        await using (var db = fixture.Database.NewContext())
        {
            Assert.Equal(100, (await db.VoucherBatches.AsNoTracking().SingleAsync()).GeneratedCount);
            Assert.Equal(100, await db.Vouchers.CountAsync()); // the chunk being written when killed left nothing
        }

        await StartAsync(crashAt: null, extra: generating);

        await using (var db = fixture.Database.NewContext())
        {
            var batch = await Eventually.Within(Patience, () => db.VoucherBatches.AsNoTracking().SingleAsync(), b => b.IsGenerated);
            Assert.Equal(Quantity, batch.GeneratedCount);
            var vouchers = await db.Vouchers.AsNoTracking().Where(v => v.BatchId == batchId).Select(v => new { v.Serial, v.CodeHash }).ToListAsync();
            Assert.Equal(Quantity, vouchers.Count);
            Assert.Equal(Enumerable.Range(0, Quantity).Select(batch.SerialFor), vouchers.Select(v => v.Serial).Order());
            Assert.Equal(Quantity, vouchers.Select(v => Convert.ToHexString(v.CodeHash)).Distinct().Count());
        }
    }

    private async Task StartAsync(CrashPoint? crashAt, bool workers = false, params string[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Stripe:ApiBase"] = fixture.Emulator.BaseUrl,
            [CrashPoints.Setting] = crashAt?.ToString(),
            ["Workers:Enabled"] = workers ? "true" : "false",
            ["Workers:OutboxInterval"] = "00:00:00.2",
        };
        foreach (var setting in extra)
        {
            var (key, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            settings[key] = value;
        }
        _portal = await PortalProcess.StartAsync(fixture.Database, _port, settings);
    }

    /// <summary>The portal killed itself at <paramref name="point"/>, and nowhere else.</summary>
    private async Task CrashedAtAsync(CrashPoint point)
    {
        Assert.Equal(PortalProcess.KilledExitCode, await _portal!.WaitForExitAsync(Patience));
        Assert.Contains(CrashPoints.Announcement(point), _portal.Output);
        await _portal.DisposeAsync();
        _portal = null;
    }

    private async Task<(HttpClient Client, string UserId)> SignUpAsync(string email)
    {
        var client = _portal!.NewClient();
        return (client, await Travellers.RegisterAsync(client, fixture.Database, email));
    }

    /// <summary>A new traveller with a physical SIM renewed six days ago (valid for 24 more days).</summary>
    private async Task<(HttpClient Client, Sim Sim)> TravellerWithSimAsync()
    {
        var (client, userId) = await SignUpAsync("mei@example.com");
        return (client, await TestData.MonthSimAsync(fixture.Database, userId, "898110000000000042", DateTimeOffset.UtcNow.AddDays(-6)));
    }

    private async Task<HttpResponseMessage> RenewAsync(HttpClient client, Guid simId)
    {
        Guid month;
        await using (var db = fixture.Database.NewContext())
        {
            month = await db.PlanVersions.Where(v => v.Plan.Code == "month").Select(v => v.Id).SingleAsync();
        }
        var response = await client.SubmitAsync(await client.GetDocumentAsync($"/sims/{simId}/renew"), "[data-testid=renew-form]",
            new Dictionary<string, string> { ["Input.PlanVersionId"] = month.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    /// <summary>A delivery attempt the portal answered with 200 (a killed portal answers nothing).</summary>
    private static bool Accepted(JsonElement attempt) =>
        attempt.TryGetProperty("status_code", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == 200;

    private async Task<Order> SingleOrderAsync()
    {
        await using var db = fixture.Database.NewContext();
        return await db.Orders.AsNoTracking().SingleAsync();
    }

    private async Task<Sim> SimAsync(Guid id)
    {
        await using var db = fixture.Database.NewContext();
        return await db.Sims.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    /// <summary>The one order is fulfilled; its SIM was extended by the plan's 30 days once, with one carrier message and one confirmation email.</summary>
    private async Task FulfilledOnceAsync(Guid orderId, Sim before)
    {
        await using var db = fixture.Database.NewContext();
        var order = await Eventually.Within(Patience, () => db.Orders.AsNoTracking().SingleAsync(), o => o.State == OrderState.Fulfilled);
        Assert.Equal(orderId, order.Id);
        Assert.Equal(OrderState.Fulfilled, order.State);
        Assert.Equal(before.ExpiresAt!.Value.AddDays(30), (await SimAsync(before.Id)).ExpiresAt);
        Assert.Equal(before.ExpiresAt, order.PreviousExpiresAt);
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.OrderId == orderId));
        Assert.Equal(1, await db.OutgoingEmails.CountAsync(e => e.Kind == EmailKind.OrderConfirmation));
    }
}
