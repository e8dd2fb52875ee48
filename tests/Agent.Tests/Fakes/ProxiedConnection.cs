using System.Net.Sockets;

namespace Agent.Tests.Fakes;

/// <summary>One client connection through a <see cref="FaultyProxy"/> and the proxy's own connection to the backend.</summary>
internal sealed class ProxiedConnection(Socket client, Socket backend)
{
    private int _closed;

    /// <summary>
    /// Ends both sides with a TCP reset (RST, not FIN), once; <paramref name="counted"/> runs before the reset,
    /// so a peer that saw it also sees it counted.
    /// </summary>
    public void Reset(Action counted)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        counted();
        ResetSocket(client);
        ResetSocket(backend);
    }

    /// <summary>Ends both sides gracefully (FIN), once.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            client.Dispose();
            backend.Dispose();
        }
    }

    /// <summary>A zero linger time makes close send RST and drop whatever was not yet sent.</summary>
    public static void ResetSocket(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        socket.Dispose();
    }
}
