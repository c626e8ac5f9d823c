using System.Text.Json;
using EsimRenewal.Core.Sims;

namespace EsimRenewal.Core.Carrier;

/// <summary>
/// Tells the carrier network a SIM's new validity. <see cref="RequestId"/> is the id of the change
/// (the order or redemption), so the carrier applies a repeated delivery once.
/// </summary>
public sealed record SimValidityChanged(string RequestId, string Iccid, DateTimeOffset ExpiresAt, long? DataLeftMb, bool Unlimited)
{
    public const string Type = "carrier.sim-validity-changed";
}

/// <summary>Builds outbox rows for the carrier; add them to the same DbContext as the change.</summary>
public static class CarrierOutbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static OutboxMessage ValidityChanged(string requestId, Sim sim, Guid orderId, DateTimeOffset now)
    {
        if (sim.ExpiresAt is not { } expiresAt)
        {
            throw new InvalidOperationException("A SIM without validity has nothing to tell the carrier.");
        }
        var message = new SimValidityChanged(requestId, sim.Iccid, expiresAt, sim.DataLeftMb, sim.IsUnlimited);
        return new OutboxMessage(SimValidityChanged.Type, JsonSerializer.Serialize(message, Json), orderId, now);
    }

    public static SimValidityChanged ReadValidityChanged(OutboxMessage message) =>
        JsonSerializer.Deserialize<SimValidityChanged>(message.Payload, Json)
        ?? throw new InvalidOperationException($"Outbox message {message.Id} has no payload.");
}
