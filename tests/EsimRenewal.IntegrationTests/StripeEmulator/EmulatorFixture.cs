using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EsimRenewal.StripeEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

/// <summary>
/// The Stripe emulator started in-process on real Kestrel (port 0), with the real Stripe.net client
/// pointed at it over HTTP and an HttpClient for the /_emulator controls, both with the emulator's
/// secret key. One per test class.
/// </summary>
public class EmulatorFixture : IAsyncLifetime
{
    public const string DefaultApiKey = "sk_test_emulator_integration_tests_4242";
    public const string WebhookSecret = "whsec_integration_tests_only";

    /// <summary>The emulator's secret key: the only key its API and controls accept.</summary>
    public string ApiKey { get; private set; } = DefaultApiKey;

    private WebApplication? _app;
    private string? _contentRoot;

    public string BaseUrl { get; private set; } = string.Empty;

    public StripeClient Stripe { get; private set; } = null!;

    public HttpClient Control { get; private set; } = null!;

    public SessionService Sessions => new(Stripe);

    public EventService Events => new(Stripe);

    public RefundService Refunds => new(Stripe);

    /// <summary>Options for this fixture: no webhook target, fast retries and sweeps.</summary>
    protected virtual void Configure(EmulatorOptions options)
    {
        options.SecretKey = DefaultApiKey;
        options.WebhookUrl = null;
        options.WebhookSecret = WebhookSecret;
        options.WebhookRetryBaseDelay = TimeSpan.FromMilliseconds(200);
        options.WebhookMaxAttempts = 5;
        options.ExpirySweepInterval = TimeSpan.FromMilliseconds(200);
    }

    public async Task InitializeAsync()
    {
        // An empty content root: no appsettings.json of any project in the test output is read.
        _contentRoot = Directory.CreateTempSubdirectory("stripe-emulator-tests-").FullName;
        _app = EmulatorApp.Create(
            ["--urls", "http://127.0.0.1:0", "--contentRoot", _contentRoot, "--Logging:LogLevel:Default=Warning"],
            Configure);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        ApiKey = _app.Services.GetRequiredService<IOptions<EmulatorOptions>>().Value.SecretKey;
        Stripe = new StripeClient(apiKey: ApiKey, apiBase: BaseUrl);
        Control = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public async Task DisposeAsync()
    {
        Control.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_contentRoot is not null)
        {
            Directory.Delete(_contentRoot, recursive: true);
        }
    }

    /// <summary>A ¥<paramref name="yen"/> plan purchase like the portal's, with the given payment methods.</summary>
    public static SessionCreateOptions NewSession(long yen = 1500, params string[] paymentMethods) => new()
    {
        Mode = "payment",
        SuccessUrl = "https://shop.example/orders/42/paid?session_id={CHECKOUT_SESSION_ID}",
        CancelUrl = "https://shop.example/orders/42/cancelled",
        CustomerEmail = "traveller@example.com",
        ClientReferenceId = Guid.NewGuid().ToString("N"),
        Locale = "ja",
        Metadata = new Dictionary<string, string> { ["order_id"] = "42" },
        AllowedPaymentMethodTypes = paymentMethods.Length == 0 ? ["card"] : [.. paymentMethods],
        PaymentMethodOptions = paymentMethods.Contains("wechat_pay")
            ? new SessionPaymentMethodOptionsOptions { WechatPay = new SessionPaymentMethodOptionsWechatPayOptions { Client = "web" } }
            : null,
        LineItems =
        [
            new SessionLineItemOptions
            {
                Quantity = 1,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = "jpy",
                    UnitAmount = yen,
                    ProductData = new SessionLineItemPriceDataProductDataOptions
                    {
                        Name = "Japan 10 GB / 30 days",
                        Description = "Renewal of SIM 8981…1234",
                    },
                },
            },
        ],
    };

    public Task<Session> CreateSessionAsync(long yen = 1500, params string[] paymentMethods) =>
        Sessions.CreateAsync(NewSession(yen, paymentMethods));

    /// <summary>Pays a session without a browser: card, alipay, wechat_pay, paypay, konbini, konbini-paid, konbini-failed.</summary>
    public async Task<HttpResponseMessage> PayAsync(string sessionId, string method, string? cardNumber = null)
    {
        var response = await Control.PostAsJsonAsync($"/_emulator/sessions/{sessionId}/pay", new { method, card_number = cardNumber });
        return response;
    }

    public async Task PaySuccessfullyAsync(string sessionId, string method = "card")
    {
        using var response = await PayAsync(sessionId, method);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task ConfigureWebhookAsync(string? url, string? secret = WebhookSecret)
    {
        using var response = await Control.PostAsJsonAsync("/_emulator/webhook", new { url, secret });
        response.EnsureSuccessStatusCode();
    }

    public async Task SetDeliveryAsync(int? copies = null, int? delayMs = null, bool? hold = null)
    {
        using var response = await Control.PostAsJsonAsync("/_emulator/delivery", new { copies, delay_ms = delayMs, hold });
        response.EnsureSuccessStatusCode();
    }

    public async Task<int> ReleaseHeldEventsAsync(bool reverse)
    {
        using var response = await Control.PostAsync($"/_emulator/delivery/release?reverse={(reverse ? "true" : "false")}", null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("released").GetInt32();
    }

    public async Task<JsonElement[]> RequestsAsync(string path) =>
        await Control.GetFromJsonAsync<JsonElement[]>($"/_emulator/requests?path={Uri.EscapeDataString(path)}") ?? [];

    public async Task<JsonElement[]> DeliveriesAsync(string eventId) =>
        await Control.GetFromJsonAsync<JsonElement[]>($"/_emulator/deliveries?eventId={Uri.EscapeDataString(eventId)}") ?? [];

    public async Task ResetAsync()
    {
        using var response = await Control.PostAsync("/_emulator/reset", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The events of <paramref name="type"/> about one session, oldest first.</summary>
    public async Task<List<Event>> EventsAboutAsync(string sessionId, string? type = null)
    {
        var events = await Events.ListAsync(new EventListOptions { Type = type, Limit = 100 });
        return events.Data
            .Where(e => e.Data.Object is Session s && s.Id == sessionId)
            .Reverse()
            .ToList();
    }
}

/// <summary>Polling for things that happen in the background (webhook delivery, expiry sweeps).</summary>
public static class Eventually
{
    public static async Task<T> Within<T>(TimeSpan timeout, Func<Task<T>> probe, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
