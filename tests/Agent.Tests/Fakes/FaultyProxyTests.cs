using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agent.Tests.Fakes;

/// <summary>The proxy the fault-table tests stand on does what each fault says, to a plain TCP echo backend.</summary>
public sealed class FaultyProxyTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Passes_bytes_both_ways_and_refuses_on_the_same_port_until_healed()
    {
        using var echo = EchoServer.Start();
        await using var proxy = FaultyProxy.Start(echo.Port);
        int port = proxy.Port;
        using (var open = await ConnectAsync(proxy.Port))
        {
            Assert.Equal("hello", await RoundTripAsync(open, "hello"));
            proxy.Apply(ProxyFault.Refuse);
            await AssertResetAsync(open);
        }

        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(proxy.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        proxy.Apply(ProxyFault.Pass);
        Assert.Equal(port, proxy.Port);
        using var again = await ConnectAsync(proxy.Port);
        Assert.Equal("back", await RoundTripAsync(again, "back"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Reset_cuts_open_and_new_connections_with_a_tcp_reset()
    {
        using var echo = EchoServer.Start();
        await using var proxy = FaultyProxy.Start(echo.Port);
        using var open = await ConnectAsync(proxy.Port);
        Assert.Equal("ok", await RoundTripAsync(open, "ok"));

        proxy.Apply(ProxyFault.Reset);
        await AssertResetAsync(open);
        using var fresh = await ConnectAsync(proxy.Port);
        await fresh.SendAsync(Encoding.ASCII.GetBytes("a request"), SocketFlags.None);
        await AssertResetAsync(fresh);
        Assert.True(proxy.Resets >= 2, $"the proxy counted {proxy.Resets} resets, the client saw 2");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Delay_holds_each_chunk_before_passing_it_on()
    {
        using var echo = EchoServer.Start();
        await using var proxy = FaultyProxy.Start(echo.Port);
        proxy.Delay = TimeSpan.FromMilliseconds(200);
        proxy.Apply(ProxyFault.Delay);
        using var client = await ConnectAsync(proxy.Port);
        var started = DateTime.UtcNow;
        Assert.Equal("slow", await RoundTripAsync(client, "slow"));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(380), "held once each way");
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> RoundTripAsync(Socket socket, string text)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
        var buffer = new byte[text.Length];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            Assert.NotEqual(0, n);
            read += n;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>The next read fails with a connection reset (not an orderly end of stream).</summary>
    private static async Task AssertResetAsync(Socket socket)
    {
        var error = await Assert.ThrowsAsync<SocketException>(async () => await socket.ReceiveAsync(new byte[16], SocketFlags.None));
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    /// <summary>A backend that writes back what it reads, on a free loopback port.</summary>
    private sealed class EchoServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static EchoServer Start()
        {
            var server = new EchoServer();
            server._listener.Start();
            _ = Task.Run(server.AcceptAsync);
            return server;
        }

        public void Dispose() => _listener.Stop();

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptSocketAsync();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => EchoAsync(client));
            }
        }

        private static async Task EchoAsync(Socket client)
        {
            using (client)
            {
                var buffer = new byte[1024];
                try
                {
                    int read;
                    while ((read = await client.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                    {
                        await client.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                    }
                }
                catch (SocketException)
                {
                    // The proxy reset it.
                }
            }
        }
    }
}
