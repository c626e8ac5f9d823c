namespace EsimRenewal.Core.Payments;

/// <summary>
/// Within this instance, one checkout step at a time per buyer: the others wait here for a bounded time
/// while holding no pooled database connection, so a flood from one buyer cannot drain the pool that every
/// other visitor needs. The buyer's advisory lock in PostgreSQL still serialises steps across instances.
/// A gate exists only while someone is in it or waiting for it.
/// </summary>
public sealed class BuyerGates
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    /// <summary>Enters the buyer's gate, or returns null when it stayed taken for <paramref name="wait"/>.</summary>
    public async Task<IDisposable?> EnterAsync(string buyer, TimeSpan wait, CancellationToken ct)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(buyer, out gate!))
            {
                _gates[buyer] = gate = new Gate(this, buyer);
            }
            gate.Users++;
        }
        var entered = false;
        try
        {
            entered = await gate.Semaphore.WaitAsync(wait, ct);
            return entered ? gate : null;
        }
        finally
        {
            if (!entered)
            {
                Leave(gate);
            }
        }
    }

    private void Leave(Gate gate)
    {
        lock (_gates)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(gate.Buyer);
            }
        }
    }

    private sealed class Gate(BuyerGates owner, string buyer) : IDisposable
    {
        public string Buyer { get; } = buyer;
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>Holders and waiters; guarded by the owner's lock.</summary>
        public int Users { get; set; }

        public void Dispose()
        {
            Semaphore.Release();
            owner.Leave(this);
        }
    }
}
