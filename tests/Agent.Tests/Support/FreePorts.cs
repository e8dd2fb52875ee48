using System.Net;
using System.Net.Sockets;

namespace Agent.Tests.Support;

/// <summary>
/// Loopback ports nothing listens on, for a process a test starts that must be told its port before it binds. The
/// kernel may hand a port it just gave back out again at once, so two calls in a row could name the same one: a port
/// is never handed out twice in one test run.
/// </summary>
internal static class FreePorts
{
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        while (true)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }

            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
