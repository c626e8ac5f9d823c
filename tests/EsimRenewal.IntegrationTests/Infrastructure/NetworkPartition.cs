using System.Net;
using System.Net.Sockets;

namespace EsimRenewal.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP relay in front of a server that can be cut off the way a broken network cuts it off: while
/// partitioned, connections are still accepted (by the kernel) and bytes are taken, but nothing is
/// delivered and nothing answers — no refusal, no reset, the case only a client-side timeout ends.
/// </summary>
public sealed class NetworkPartition : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private volatile bool _partitioned;
    private Task _accepting = Task.CompletedTask;

    private NetworkPartition(string host, int port)
    {
        _host = host;
        _port = port;
    }

    /// <summary>The relay's own port: connect here instead of to the server.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static NetworkPartition Start(string host, int port)
    {
        var relay = new NetworkPartition(host, port);
        relay._listener.Start(backlog: 512);
        relay._accepting = relay.AcceptAsync();
        return relay;
    }

    /// <summary>From now on every byte either way is dropped and new connections hang.</summary>
    public void Partition() => _partitioned = true;

    /// <summary>New connections reach the server again (those that lost bytes are of no use to anyone).</summary>
    public void Heal() => _partitioned = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Track(client);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        if (_partitioned)
        {
            return; // held open, never answered
        }
        var server = new TcpClient();
        Track(server);
        try
        {
            await server.ConnectAsync(_host, _port, _stop.Token);
            await Task.WhenAny(PumpAsync(client.GetStream(), server.GetStream()), PumpAsync(server.GetStream(), client.GetStream()));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the server cannot be reached, or the relay stops
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (!_partitioned)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // either side went away
        }
    }

    private void Track(TcpClient client)
    {
        lock (_connections)
        {
            _connections.Add(client);
        }
    }
}
