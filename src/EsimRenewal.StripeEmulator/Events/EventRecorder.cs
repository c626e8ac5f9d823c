using System.Text.Json.Nodes;
using EsimRenewal.StripeEmulator.Infrastructure;
using EsimRenewal.StripeEmulator.State;
using EsimRenewal.StripeEmulator.Webhooks;
using Microsoft.Extensions.Options;

namespace EsimRenewal.StripeEmulator.Events;

/// <summary>
/// Creates an event (a frozen snapshot of the object it is about), stores it for <c>GET /v1/events</c>
/// and hands it to webhook delivery. Called while the store is locked, so events keep the order of
/// the changes they describe.
/// </summary>
public sealed class EventRecorder(IOptions<EmulatorOptions> options, TimeProvider time, WebhookDispatcher dispatcher)
{
    public StoredEvent Record(EmulatorState state, string type, JsonObject dataObject, ApiRequest? cause = null)
    {
        var id = Ids.New("evt_");
        var now = time.GetUtcNow();
        var json = new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = options.Value.ApiVersion,
            ["created"] = WireJson.Unix(now),
            ["data"] = new JsonObject { ["object"] = dataObject },
            ["livemode"] = false,
            ["pending_webhooks"] = dispatcher.HasEndpoint ? 1 : 0,
            ["request"] = new JsonObject
            {
                ["id"] = cause?.RequestId,
                ["idempotency_key"] = cause?.IdempotencyKey,
            },
            ["type"] = type,
        };

        var storedEvent = new StoredEvent(id, state.NextSequence(), now, type, json.ToJsonString());
        state.Events.Add(storedEvent);
        dispatcher.Publish(storedEvent);
        return storedEvent;
    }
}
