using System.Net;
using System.Net.Sockets;

namespace Agent.LoadHarness.Measurement;

/// <summary>Loopback ports nobody listens on, for the agent's listeners (the agent must know them up front).</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
