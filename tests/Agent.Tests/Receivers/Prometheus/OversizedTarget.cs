using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agent.Tests.Receivers.Prometheus;

/// <summary>
/// A target on a bare socket that answers every scrape with <see cref="BodyBytes"/> of valid lines while
/// <see cref="Oversized"/>, or a one-line body otherwise, one request per connection. It counts the body bytes its
/// socket took: unlike a web server, which quietly discards what is written after the client left, a socket's send
/// fails once the client closed, so the count shows how far the client read (plus the kernel's buffers).
/// </summary>
internal sealed class OversizedTarget : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private long _sent;
    private int _ended;

    public OversizedTarget()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>host:port, as a static_configs target.</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public bool Oversized { get; set; } = true;

    public long BodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Body bytes of oversized answers the socket took, over every request.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Oversized answers that have ended: sent in full, or cut off by the client.</summary>
    public int Ended => Volatile.Read(ref _ended);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stopping.Token);
            _ = Task.Run(() => AnswerAsync(socket));
        }
    }

    private async Task AnswerAsync(Socket socket)
    {
        using (socket)
        {
            try
            {
                await ReadRequestAsync(socket);
                if (!Oversized)
                {
                    await socket.SendAsync((byte[])[.. Head(15), .. "small_series 1\n"u8], _stopping.Token);
                    return;
                }

                await SendOversizedAsync(socket);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // The client went away.
            }
        }
    }

    private async Task SendOversizedAsync(Socket socket)
    {
        var chunk = new StringBuilder();
        for (int i = 0; chunk.Length < ChunkSize; i++)
        {
            chunk.Append($"big_series{{i=\"{i}\"}} 1\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(chunk.ToString()[..ChunkSize]);
        try
        {
            await socket.SendAsync(Head(BodyBytes), _stopping.Token);
            for (long sent = 0; sent < BodyBytes; sent += bytes.Length)
            {
                await socket.SendAsync(bytes, _stopping.Token);
                Interlocked.Add(ref _sent, bytes.Length);
            }
        }
        finally
        {
            Interlocked.Increment(ref _ended);
        }
    }

    private static byte[] Head(long length) => Encoding.ASCII.GetBytes(
        $"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n");

    /// <summary>Reads up to the blank line that ends a GET's headers.</summary>
    private async Task ReadRequestAsync(Socket socket)
    {
        var received = new List<byte>();
        byte[] buffer = new byte[4096];
        while (!EndsHeaders(received))
        {
            int read = await socket.ReceiveAsync(buffer, _stopping.Token);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            received.AddRange(buffer.AsSpan(0, read));
        }
    }

    private static bool EndsHeaders(List<byte> received) =>
        received.Count >= 4 && received[^4] == '\r' && received[^3] == '\n' && received[^2] == '\r' && received[^1] == '\n';
}
