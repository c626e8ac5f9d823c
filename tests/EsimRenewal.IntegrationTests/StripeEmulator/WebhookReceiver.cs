using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EsimRenewal.IntegrationTests.StripeEmulator;

public sealed record ReceivedWebhook(string Body, string Signature, DateTimeOffset At, int AnsweredWith);

/// <summary>
/// A stand-in for the portal's webhook endpoint on real Kestrel (port 0): records every POST with its
/// raw body and Stripe-Signature, and answers 500 to the first <see cref="FailFirst"/> requests.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    public int FailFirst
    {
        set => _failuresLeft = value;
    }

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToArray();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/stripe/webhook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var status = Interlocked.Decrement(ref receiver._failuresLeft) >= 0 ? 500 : 200;
            receiver._received.Enqueue(new ReceivedWebhook(body, context.Request.Headers["Stripe-Signature"].ToString(), DateTimeOffset.UtcNow, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Url = address + "/stripe/webhook";
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries arrived (or 10 s passed).</summary>
    public Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, TimeSpan? timeout = null) =>
        Eventually.Within(timeout ?? TimeSpan.FromSeconds(10), () => Task.FromResult(Received), received => received.Count >= count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
