using System.Net;
using System.Net.Sockets;

namespace Agent.Tests.Support;

/// <summary>
/// Loopback ports nothing listens on, for a process a test starts that must be told its port before it binds. They
/// come from below the kernel's ephemeral range (<c>net.ipv4.ip_local_port_range</c>): a port from inside it could be
/// taken meanwhile by any outgoing connection or by a server asking for port 0, and the process would fail to bind.
/// No port is handed out twice in one test run.
/// </summary>
internal static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly (int Low, int High) Range = BelowEphemeralRange();
    private static int _next = Range.Low + Random.Shared.Next(Math.Max(1, Range.High - Range.Low));

    public static int Next()
    {
        lock (HandedOut)
        {
            for (int tried = 0; tried < Range.High - Range.Low; tried++)
            {
                int port = _next;
                _next = port + 1 >= Range.High ? Range.Low : port + 1;
                if (!HandedOut.Contains(port) && CanListen(port))
                {
                    HandedOut.Add(port);
                    return port;
                }
            }

            // No room below the ephemeral range on this machine: let the kernel choose, still never twice.
            while (true)
            {
                using var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                int port = ((IPEndPoint)probe.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    private static bool CanListen(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Up to 10,000 ports just below the ephemeral range, above the privileged ones.</summary>
    private static (int Low, int High) BelowEphemeralRange()
    {
        int ephemeralLow = 32768;
        try
        {
            string[] bounds = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            ephemeralLow = int.Parse(bounds[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            // Not Linux, or not readable: the usual default.
        }

        return (Math.Max(1024, ephemeralLow - 10_000), Math.Max(1024, ephemeralLow));
    }
}
