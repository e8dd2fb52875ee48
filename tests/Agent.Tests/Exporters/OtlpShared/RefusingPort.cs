using System.Net;
using System.Net.Sockets;

namespace Agent.Tests.Exporters.OtlpShared;

/// <summary>
/// A port where nothing answers: every connection is accepted and dropped at once, and counted, so a test can wait
/// for a client's failed attempts (a positive signal) instead of sleeping.
/// </summary>
internal sealed class RefusingPort : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _connections;

    private RefusingPort(int port)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _loop = AcceptAsync();
    }

    public static RefusingPort Open(int port) => new(port);

    public async Task WaitForConnectionsAsync(int count)
    {
        while (Volatile.Read(ref _connections) < count)
        {
            await Task.Delay(5);
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.Client.LingerState = new LingerOption(true, 0);
                Interlocked.Increment(ref _connections);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
