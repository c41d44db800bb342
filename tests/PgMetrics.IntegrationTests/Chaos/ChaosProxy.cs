using System.Net;
using System.Net.Sockets;

namespace PgMetrics.IntegrationTests.Chaos;

/// <summary>What a <see cref="ChaosProxy"/> does with connections.</summary>
public enum ProxyMode
{
    /// <summary>Passes bytes both ways to the target.</summary>
    Forward,

    /// <summary>Accepts the connection, reads the request and never answers.</summary>
    BlackHole,

    /// <summary>Not listening: connecting is refused, as when the backend is down.</summary>
    Down,
}

/// <summary>
/// A TCP proxy on loopback in front of an HTTP endpoint, whose behaviour a test switches: forward, accept and
/// never answer, or refuse connections. Switching closes every open connection, so a client's pooled
/// connection meets the new behaviour on its next request. The port stays the same throughout.
/// </summary>
public sealed class ChaosProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly Lock _gate = new();
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private ProxyMode _mode;
    private int _blackHoled;

    public ChaosProxy(Uri target, ProxyMode mode = ProxyMode.Forward)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Endpoint = new Uri($"http://127.0.0.1:{Port}/");
        Switch(mode);
    }

    public int Port { get; }

    public Uri Endpoint { get; }

    /// <summary>Connections accepted and left unanswered.</summary>
    public int BlackHoled => Volatile.Read(ref _blackHoled);

    /// <summary>Changes the behaviour and closes every open connection.</summary>
    public void Switch(ProxyMode mode)
    {
        lock (_gate)
        {
            _mode = mode;
            foreach (var client in _open)
            {
                client.Client.Close(0);
                client.Dispose();
            }

            _open.Clear();
            if (mode == ProxyMode.Down)
            {
                _listener?.Stop();
                _listener = null;
            }
            else if (_listener is null)
            {
                var listener = new TcpListener(IPAddress.Loopback, Port);
                listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Start();
                _listener = listener;
                _ = AcceptAsync(listener);
            }
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            ProxyMode mode;
            lock (_gate)
            {
                mode = _mode;
                _open.Add(client);
            }

            _ = mode == ProxyMode.BlackHole ? SwallowAsync(client) : ForwardAsync(client);
        }
    }

    private async Task SwallowAsync(TcpClient client)
    {
        Interlocked.Increment(ref _blackHoled);
        var buffer = new byte[16 * 1024];
        try
        {
            var stream = client.GetStream();
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_target);
            lock (_gate)
            {
                _open.Add(upstream);
            }

            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(down.CopyToAsync(up), up.CopyToAsync(down));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
        }
        finally
        {
            lock (_gate)
            {
                _open.Remove(upstream);
                _open.Remove(client);
            }

            client.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Switch(ProxyMode.Down);
        return ValueTask.CompletedTask;
    }
}
