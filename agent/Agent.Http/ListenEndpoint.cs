using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Agent.Http;

/// <summary>
/// A listen address as the Collector writes it: <c>host:port</c>, <c>0.0.0.0:4317</c>, <c>[::]:4317</c>,
/// <c>localhost:4317</c> or <c>:4317</c> (every interface). Port 0 asks the system for a free port.
/// </summary>
public sealed record ListenEndpoint(string Host, int Port)
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out ListenEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        text = text?.Trim() ?? string.Empty;
        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"\"{text}\" is not host:port (write :4317 to listen on every interface)";
            return false;
        }

        string host = text[..colon];
        string portText = text[(colon + 1)..];
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || !IPAddress.TryParse(host[1..^1], out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"\"{text}\" has a malformed IPv6 address (write it as [::1]:4317)";
                return false;
            }

            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            error = $"\"{text}\" has an IPv6 address without brackets (write it as [::1]:4317)";
            return false;
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            error = $"\"{text}\" has no valid port (0 to 65535)";
            return false;
        }

        endpoint = new ListenEndpoint(host, port);
        error = null;
        return true;
    }

    public static ListenEndpoint Parse(string text) =>
        TryParse(text, out var endpoint, out string? error) ? endpoint : throw new ArgumentException($"endpoint {error}", nameof(text));

    /// <summary>
    /// The address to bind, resolved as Go's listener does: null (every interface, IPv6 and IPv4) for an empty
    /// host; a name resolves to its first address, IPv4 first, so <c>localhost</c> is 127.0.0.1.
    /// </summary>
    public async Task<IPAddress?> ResolveAsync(CancellationToken cancellationToken)
    {
        if (Host.Length == 0)
        {
            return null;
        }

        if (IPAddress.TryParse(Host, out var address))
        {
            return address;
        }

        if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken).ConfigureAwait(false);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"the host name \"{Host}\" resolved to no address");
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
