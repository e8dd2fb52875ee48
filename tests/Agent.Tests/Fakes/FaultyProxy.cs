using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Agent.Tests.Fakes;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a stand-in backend whose fault can be switched while traffic runs (see
/// <see cref="ProxyFault"/>). It works on bytes, so it serves HTTP/1.1 and gRPC's HTTP/2 alike, and a fault also
/// hits the connections already open: clients keep theirs alive, and a backend that fails breaks those too.
/// </summary>
public sealed class FaultyProxy : IAsyncDisposable
{
    private readonly IPEndPoint _backend;
    private readonly ConcurrentDictionary<ProxiedConnection, byte> _open = new();
    private readonly object _gate = new();
    private Socket? _listener;
    private Socket? _placeholder;
    private volatile ProxyFault _fault = ProxyFault.Pass;
    private int _accepted;
    private int _resets;
    private bool _disposed;

    private FaultyProxy(int backendPort)
    {
        _backend = new IPEndPoint(IPAddress.Loopback, backendPort);
    }

    /// <summary>The port clients connect to; it stays the same across <see cref="ProxyFault.Refuse"/>.</summary>
    public int Port { get; private set; }

    /// <summary>How long <see cref="ProxyFault.Delay"/> holds each chunk.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(300);

    public ProxyFault Fault => _fault;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections the proxy reset (by <see cref="ProxyFault.Reset"/> or <see cref="ProxyFault.Refuse"/>).</summary>
    public int Resets => Volatile.Read(ref _resets);

    public static FaultyProxy Start(int backendPort)
    {
        var proxy = new FaultyProxy(backendPort);
        proxy.Listen(0);
        return proxy;
    }

    /// <summary>Switches the fault now; open connections are reset by <see cref="ProxyFault.Refuse"/> and <see cref="ProxyFault.Reset"/>.</summary>
    public void Apply(ProxyFault fault)
    {
        lock (_gate)
        {
            _fault = fault;
            if (fault == ProxyFault.Refuse && _listener is not null)
            {
                // Keep the port bound but not listening: the kernel answers connections with a reset (refused),
                // and no other process can take the port before the proxy listens there again.
                _placeholder = BindReusable(Port);
                _listener.Dispose();
                _listener = null;
            }
            else if (fault != ProxyFault.Refuse && _listener is null && !_disposed)
            {
                Listen(Port);
                _placeholder?.Dispose();
                _placeholder = null;
            }
        }

        if (fault is ProxyFault.Refuse or ProxyFault.Reset)
        {
            foreach (var connection in _open.Keys)
            {
                Reset(connection);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
            _listener?.Dispose();
            _listener = null;
            _placeholder?.Dispose();
        }

        foreach (var connection in _open.Keys)
        {
            connection.Close();
        }

        await Task.CompletedTask;
    }

    /// <summary>Listens on <paramref name="port"/> (0: a free one).</summary>
    private void Listen(int port)
    {
        var listener = BindReusable(port);
        listener.Listen();
        Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        _listener = listener;
        _ = Task.Run(() => AcceptAsync(listener));
    }

    /// <summary>A socket bound with SO_REUSEPORT, so the listener and the placeholder that holds the port during a refusal can overlap.</summary>
    private static Socket BindReusable(int port)
    {
        const int SolSocket = 1, SoReusePort = 15; // Linux's values
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    }

    private async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return; // stopped: a refusal or the end
            }

            Interlocked.Increment(ref _accepted);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await backend.ConnectAsync(_backend);
        }
        catch (SocketException)
        {
            ProxiedConnection.ResetSocket(client);
            backend.Dispose();
            return;
        }

        var connection = new ProxiedConnection(client, backend);
        _open.TryAdd(connection, 0);
        try
        {
            await Task.WhenAll(PumpAsync(connection, client, backend, towardsBackend: true), PumpAsync(connection, backend, client, towardsBackend: false));
        }
        finally
        {
            _open.TryRemove(connection, out _);
            connection.Close();
        }
    }

    /// <summary>Copies one direction chunk by chunk, applying the fault in force when each chunk arrives.</summary>
    private async Task PumpAsync(ProxiedConnection connection, Socket from, Socket to, bool towardsBackend)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send); // pass the half-close on
                    return;
                }

                switch (_fault)
                {
                    case ProxyFault.Refuse:
                        Reset(connection);
                        return;
                    case ProxyFault.Reset:
                        // Part of a request reaches the backend, then both sides see a reset mid-request.
                        if (towardsBackend && read > 1)
                        {
                            await to.SendAsync(buffer.AsMemory(0, read / 2), SocketFlags.None);
                        }

                        Reset(connection);
                        return;
                    case ProxyFault.Delay:
                        await Task.Delay(Delay);
                        break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The other pump or a fault closed the connection: close this side too.
            connection.Close();
        }
    }

    private void Reset(ProxiedConnection connection) => connection.Reset(() => Interlocked.Increment(ref _resets));
}
