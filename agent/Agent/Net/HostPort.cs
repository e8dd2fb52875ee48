using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Agent.Net;

/// <summary>A listen address as the Collector writes it: <c>host:port</c>, <c>[::]:port</c> or <c>:port</c> (all interfaces).</summary>
internal readonly record struct HostPort(string Host, int Port)
{
    public static bool TryParse(string text, [NotNullWhen(true)] out HostPort? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"\"{text}\" is not host:port";
            return false;
        }

        string host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            error = $"\"{text}\" has no valid port";
            return false;
        }

        value = new HostPort(host, port);
        error = null;
        return true;
    }

    /// <summary>Parses an address that validation already accepted.</summary>
    public static HostPort Parse(string text) =>
        TryParse(text, out var value, out string? error) ? value.Value : throw new FormatException(error);

    /// <summary>The addresses to bind: all interfaces for an empty host or 0.0.0.0/::, loopback for localhost.</summary>
    public IPEndPoint[] ToEndPoints()
    {
        if (Host is "" or "0.0.0.0" or "::" or "*")
        {
            return [new IPEndPoint(Host == "0.0.0.0" ? IPAddress.Any : IPAddress.IPv6Any, Port)];
        }

        if (Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [new IPEndPoint(IPAddress.Loopback, Port)];
        }

        return IPAddress.TryParse(Host, out var address)
            ? [new IPEndPoint(address, Port)]
            : Resolve(Host, Port);
    }

    private static IPEndPoint[] Resolve(string host, int port) =>
        Dns.GetHostAddresses(host).Select(a => new IPEndPoint(a, port)).ToArray();

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
