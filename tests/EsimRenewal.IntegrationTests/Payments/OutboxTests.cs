using System.Collections.Concurrent;
using EsimRenewal.Core.Carrier;
using EsimRenewal.Core.Data;
using EsimRenewal.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EsimRenewal.IntegrationTests.Payments;

public sealed class OutboxTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>A carrier that counts every call it receives, per request id.</summary>
    private sealed class CountingCarrier(int failFirst = 0) : ICarrierGateway
    {
        private int _failuresLeft = failFirst;
        public ConcurrentDictionary<string, int> Calls { get; } = new();

        public async Task ApplyValidityAsync(SimValidityChanged change, CancellationToken ct = default)
        {
            await Task.Delay(1, ct); // a network call takes time; lets the two workers interleave
            if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            {
                throw new HttpRequestException("carrier unavailable");
            }
            Calls.AddOrUpdate(change.RequestId, 1, (_, n) => n + 1);
        }
    }

    private async Task AddMessagesAsync(int count)
    {
        await using var db = _database.NewContext();
        for (var i = 0; i < count; i++)
        {
            var change = new SimValidityChanged($"order:{i}", "8981100000000000424", _clock.GetUtcNow().AddDays(30), 10_240, false);
            db.OutboxMessages.Add(new OutboxMessage(SimValidityChanged.Type, System.Text.Json.JsonSerializer.Serialize(change, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)), null, _clock.GetUtcNow()));
        }
        await db.SaveChangesAsync();
    }

    private async Task RunWorkerUntilEmptyAsync(ICarrierGateway carrier)
    {
        while (true)
        {
            await using var db = _database.NewContext();
            var dispatched = await new OutboxDispatcher(db, carrier, _clock, NullLogger<OutboxDispatcher>.Instance).DispatchAsync(batchSize: 10);
            if (dispatched == 0)
            {
                return;
            }
        }
    }

    [Fact]
    public async Task Two_workers_over_one_table_deliver_every_message_exactly_once()
    {
        await AddMessagesAsync(300);
        var carrier = new CountingCarrier();
        using var barrier = new Barrier(2);

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            barrier.SignalAndWait();
            await RunWorkerUntilEmptyAsync(carrier);
        })));

        Assert.Equal(300, carrier.Calls.Count);
        Assert.All(carrier.Calls.Values, calls => Assert.Equal(1, calls));
        await using var db = _database.NewContext();
        Assert.False(await db.OutboxMessages.AnyAsync(m => m.DeliveredAt == null));
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_after_a_back_off()
    {
        await AddMessagesAsync(1);
        var carrier = new CountingCarrier(failFirst: 1);

        await RunWorkerUntilEmptyAsync(carrier);
        await using (var db = _database.NewContext())
        {
            var message = await db.OutboxMessages.SingleAsync();
            Assert.Null(message.DeliveredAt);
            Assert.Equal(1, message.Attempts);
            Assert.Equal("carrier unavailable", message.LastError);
            Assert.Equal(_clock.GetUtcNow().AddSeconds(5), message.AvailableAt);
        }

        _clock.Advance(TimeSpan.FromSeconds(5));
        await RunWorkerUntilEmptyAsync(carrier);

        await using var after = _database.NewContext();
        var delivered = await after.OutboxMessages.SingleAsync();
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Equal(2, delivered.Attempts);
        Assert.Equal(1, carrier.Calls["order:0"]);
    }

    [Fact]
    public async Task The_simulated_carrier_records_a_repeated_request_once()
    {
        var options = new DbContextOptionsBuilder<EsimDbContext>();
        EsimDatabase.Configure(options, _database.ConnectionString);
        var factory = new PooledDbContextFactory<EsimDbContext>(options.Options);
        var carrier = new SimulatedCarrierGateway(factory, _clock);
        var change = new SimValidityChanged("order:1", "8981100000000000424", _clock.GetUtcNow().AddDays(30), null, true);

        await carrier.ApplyValidityAsync(change);
        await carrier.ApplyValidityAsync(change);

        await using var db = _database.NewContext();
        var call = Assert.Single(await db.SimulatedCarrierCalls.ToListAsync());
        Assert.Equal("8981100000000000424", call.Iccid);
        Assert.Equal(change.ExpiresAt, call.ExpiresAt);
    }

    [Fact]
    public void Back_off_doubles_up_to_thirty_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), OutboxDispatcher.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(10), OutboxDispatcher.Backoff(2));
        Assert.Equal(TimeSpan.FromSeconds(40), OutboxDispatcher.Backoff(4));
        Assert.Equal(TimeSpan.FromMinutes(30), OutboxDispatcher.Backoff(50));
    }
}
