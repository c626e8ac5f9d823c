using System.Text;
using System.Threading.Channels;
using EsimRenewal.StripeEmulator.State;
using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator.Webhooks;

/// <summary>
/// Delivers events to the webhook endpoint: signed POSTs, one at a time in the order they were queued;
/// a non-2xx answer or a connection failure is retried with exponential back-off (the retry is queued
/// again later, so one failing event does not hold the others back). Honours the delivery switches:
/// copies, delay, hold and release (in order or reversed).
/// </summary>
public sealed class WebhookDispatcher(
    WebhookEndpoint endpoint,
    DeliveryLog deliveryLog,
    IHttpClientFactory httpClients,
    TimeProvider time,
    IOptions<EmulatorOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>();
    private readonly Lock _gate = new();
    private readonly List<StoredEvent> _held = [];
    private long _generation;
    private CancellationToken _stopping;

    private sealed record Delivery(StoredEvent Event, int Attempt, long Generation);

    /// <summary>True when events are being delivered (a URL is configured); Stripe's <c>pending_webhooks</c>.</summary>
    public bool HasEndpoint => endpoint.Target.Url is not null;

    /// <summary>Called for each new event, in order, while the store is locked.</summary>
    public void Publish(StoredEvent storedEvent)
    {
        if (!HasEndpoint)
        {
            return;
        }

        var switches = endpoint.Switches;
        lock (_gate)
        {
            if (switches.Hold)
            {
                _held.Add(storedEvent);
                return;
            }

            for (var copy = 0; copy < switches.Copies; copy++)
            {
                Enqueue(new Delivery(storedEvent, 1, _generation), switches.Delay);
            }
        }
    }

    public int HeldCount
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Delivers the held events now, in the order they happened or reversed. Returns how many.</summary>
    public int Release(bool reverse)
    {
        var copies = endpoint.Switches.Copies;
        lock (_gate)
        {
            var events = reverse ? Enumerable.Reverse(_held).ToList() : [.. _held];
            _held.Clear();
            foreach (var storedEvent in events)
            {
                for (var copy = 0; copy < copies; copy++)
                {
                    Enqueue(new Delivery(storedEvent, 1, _generation), TimeSpan.Zero);
                }
            }

            return events.Count;
        }
    }

    /// <summary>Forgets held events and drops queued and scheduled deliveries.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _generation);
            _held.Clear();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            if (delivery.Generation != Interlocked.Read(ref _generation))
            {
                continue;
            }

            var delivered = await TryDeliverAsync(delivery, stoppingToken);
            if (!delivered && delivery.Attempt < options.Value.WebhookMaxAttempts)
            {
                Enqueue(delivery with { Attempt = delivery.Attempt + 1 }, BackOff(delivery.Attempt));
            }
        }
    }

    private TimeSpan BackOff(int failedAttempt)
    {
        var delay = options.Value.WebhookRetryBaseDelay * Math.Pow(2, failedAttempt - 1);
        return delay < options.Value.WebhookRetryMaxDelay ? delay : options.Value.WebhookRetryMaxDelay;
    }

    private void Enqueue(Delivery delivery, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            _queue.Writer.TryWrite(delivery);
            return;
        }

        _ = Task.Delay(delay, time, _stopping).ContinueWith(
            _ => _queue.Writer.TryWrite(delivery),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    private async Task<bool> TryDeliverAsync(Delivery delivery, CancellationToken stoppingToken)
    {
        var target = endpoint.Target;
        if (target.Url is null)
        {
            return true; // delivery switched off meanwhile: nothing to retry
        }

        var storedEvent = delivery.Event;
        var signature = WebhookSigner.SignatureHeader(target.Secret, storedEvent.Json, time.GetUtcNow().ToUnixTimeSeconds());
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(storedEvent.Json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", signature);
        request.Headers.UserAgent.ParseAdd("Stripe/1.0 (+https://stripe.com/docs/webhooks)");

        int? status = null;
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(options.Value.WebhookTimeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Refused connection, timeout, bad address: a failed attempt, retried like a non-2xx answer.
            error = exception is TaskCanceledException ? "timed out" : exception.Message;
        }

        var attempt = new DeliveryAttempt(storedEvent.Id, storedEvent.Type, delivery.Attempt, time.GetUtcNow(), status, error);
        deliveryLog.Add(attempt);
        logger.LogInformation(
            "Delivered event {EventId} ({EventType}) attempt {Attempt}: status {StatusCode} {Error}",
            storedEvent.Id, storedEvent.Type, delivery.Attempt, status, error);
        return attempt.Succeeded;
    }
}
