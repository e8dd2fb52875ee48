using Agent.Core.Model;
using Microsoft.AspNetCore.Http;

namespace Agent.Receivers.Otlp;

/// <summary>Who sent an OTLP request, over gRPC or HTTP alike (both arrive as an ASP.NET Core request).</summary>
internal static class OtlpClientContext
{
    /// <summary>
    /// The peer address (an IPv4 client reaching a dual-stack socket is given as IPv4, as a pod IP is written) and,
    /// with <paramref name="includeMetadata"/>, every request header (gRPC metadata arrives as headers).
    /// </summary>
    public static ClientContext Of(HttpContext http, bool includeMetadata)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true })
        {
            address = address.MapToIPv4();
        }

        return new ClientContext(address, includeMetadata ? Headers(http.Request.Headers) : null);
    }

    private static Dictionary<string, IReadOnlyList<string>> Headers(IHeaderDictionary headers)
    {
        var metadata = new Dictionary<string, IReadOnlyList<string>>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            metadata[name] = values.ToArray().OfType<string>().ToArray();
        }

        return metadata;
    }
}
