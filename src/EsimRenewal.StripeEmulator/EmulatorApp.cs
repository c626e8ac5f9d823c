using System.Text.Json;
using EsimRenewal.StripeEmulator.Control;
using EsimRenewal.StripeEmulator.Events;
using EsimRenewal.StripeEmulator.HostedCheckout;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.Payments;
using EsimRenewal.StripeEmulator.Refunds;
using EsimRenewal.StripeEmulator.Sessions;
using EsimRenewal.StripeEmulator.State;
using EsimRenewal.StripeEmulator.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace EsimRenewal.StripeEmulator;

/// <summary>
/// Builds the emulator. <c>Program.Main</c> runs it; tests start it in-process on Kestrel
/// (<c>--urls http://127.0.0.1:0</c>) and point the real Stripe.net client at the bound address.
/// </summary>
public static class EmulatorApp
{
    public const string DefaultUrl = "http://127.0.0.1:12111";

    public static WebApplication Create(string[] args, Action<EmulatorOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
            // The emulator's appsettings.json sits beside its assembly, wherever it is started from.
            ContentRootPath = args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
                ? null
                : AppContext.BaseDirectory,
        });

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        AddServices(builder.Services, builder.Configuration, configure);
        var app = builder.Build();
        MapEndpoints(app);
        return app;
    }

    private static void AddServices(IServiceCollection services, IConfiguration configuration, Action<EmulatorOptions>? configure)
    {
        services.AddOptions<EmulatorOptions>()
            .Bind(configuration.GetSection(EmulatorOptions.SectionName))
            .PostConfigure(options => configure?.Invoke(options))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiVersion), "Emulator:ApiVersion is required.")
            .Validate(o => o.SecretKey.StartsWith("sk_test_", StringComparison.Ordinal) && o.SecretKey.Length >= 16, "Emulator:SecretKey must be a test secret key (sk_test_…, at least 16 characters).")
            .Validate(o => o.WebhookSecret.StartsWith("whsec_", StringComparison.Ordinal), "Emulator:WebhookSecret must start with whsec_.")
            .Validate(o => string.IsNullOrWhiteSpace(o.WebhookUrl) || Uri.IsWellFormedUriString(o.WebhookUrl, UriKind.Absolute), "Emulator:WebhookUrl must be an absolute URL.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl) || Uri.IsWellFormedUriString(o.PublicBaseUrl, UriKind.Absolute), "Emulator:PublicBaseUrl must be an absolute URL.")
            .Validate(o => o.WebhookMaxAttempts >= 1 && o.WebhookRetryBaseDelay >= TimeSpan.Zero && o.WebhookTimeout > TimeSpan.Zero, "Emulator webhook retry settings are out of range.")
            .Validate(o => o.SessionLifetime > TimeSpan.Zero && o.ExpirySweepInterval > TimeSpan.Zero, "Emulator:SessionLifetime and Emulator:ExpirySweepInterval must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EmulatorStore>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<IdempotencyCache>();
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<WebhookEndpoint>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        services.AddHostedService<ExpirySweeper>();
        services.AddSingleton<EventRecorder>();
        services.AddSingleton<CheckoutSessionService>();
        services.AddSingleton<CheckoutPayments>();
        services.AddSingleton<RefundService>();

        services.AddHttpClient(WebhookDispatcher.HttpClientName);
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(keys =>
        {
            keys.XmlRepository = new InMemoryKeyRepository();
            keys.XmlEncryptor = new NullXmlEncryptor();
        });
        services.AddAntiforgery();
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DictionaryKeyPolicy = null;
        });
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/v1"), api =>
        {
            api.UseMiddleware<ApiEdgeMiddleware>();
            api.UseMiddleware<IdempotencyMiddleware>();
        });
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/_emulator"), controls => controls.UseMiddleware<ControlKeyMiddleware>());
        app.UseAntiforgery();

        app.MapGet("/", () => Results.Text(
            "Stripe emulator for EsimRenewal: the /v1 API for Stripe.net, hosted checkout at /checkout/{id}, test controls at /_emulator (see README.md).\n"));

        app.MapSessionEndpoints();
        app.MapRefundEndpoints();
        app.MapEventEndpoints();
        app.Map("/v1/{**rest}", (HttpContext context) =>
            throw new StripeApiException(
                StatusCodes.Status404NotFound,
                "invalid_request_error",
                $"Unrecognized request URL ({context.Request.Method}: {context.Request.Path}). " +
                "Please see https://stripe.com/docs or we can help at https://support.stripe.com/."));

        app.MapCheckoutPage();
        app.MapControlEndpoints();
    }
}
