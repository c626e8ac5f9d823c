using EsimRenewal.StripeEmulator.Infrastructure;

namespace EsimRenewal.StripeEmulator.State;

/// <summary>Everything the emulator knows. Only touched through <see cref="EmulatorStore"/>, under its lock.</summary>
public sealed class EmulatorState
{
    private long _sequence;

    public Dictionary<string, CheckoutSession> Sessions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PaymentIntent> PaymentIntents { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Charge> Charges { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Refund> Refunds { get; } = new(StringComparer.Ordinal);

    public List<StoredEvent> Events { get; } = [];

    /// <summary>Creation order, so lists are newest first even within one second.</summary>
    public long NextSequence() => ++_sequence;

    public CheckoutSession Session(string id) =>
        Sessions.TryGetValue(id, out var session) ? session : throw StripeApiException.NoSuch("checkout.session", id);
}

/// <summary>
/// The in-memory state behind one lock. The emulator serves a handful of requests at a time, so one
/// lock keeps every transition (and the event it emits) atomic without any cleverness.
/// </summary>
public sealed class EmulatorStore
{
    private readonly Lock _gate = new();
    private EmulatorState _state = new();

    public T Locked<T>(Func<EmulatorState, T> action)
    {
        lock (_gate)
        {
            return action(_state);
        }
    }

    public void Locked(Action<EmulatorState> action)
    {
        lock (_gate)
        {
            action(_state);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _state = new EmulatorState();
        }
    }
}
