namespace Agent.Exporters.Otlp;

/// <summary>
/// Turns the <c>otlp</c> exporter's endpoint into the channel's address, as the Collector reads it: <c>host:port</c>
/// takes its scheme from <c>tls.insecure</c> (plain text when true, TLS otherwise), while <c>http://</c> and
/// <c>https://</c> say it themselves.
/// </summary>
public static class GrpcTarget
{
    private const string DnsPrefix = "dns:///";

    public static bool TryResolve(string? endpoint, bool insecure, out Uri address, out string error)
    {
        address = null!;
        string text = endpoint?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            error = "is required (host:port, http://host:port or https://host:port)";
            return false;
        }

        if (text.StartsWith(DnsPrefix, StringComparison.OrdinalIgnoreCase))
        {
            text = text[DnsPrefix.Length..];
        }

        bool hasScheme = text.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(hasScheme ? text : $"{(insecure ? "http" : "https")}://{text}", UriKind.Absolute, out var uri) ||
            uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            error = $"\"{endpoint}\" is not host:port, http://host:port or https://host:port";
            return false;
        }

        if (!hasScheme && uri.IsDefaultPort && !HasExplicitPort(text))
        {
            error = $"\"{endpoint}\" has no port (the OTLP gRPC port is usually 4317)";
            return false;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            error = $"\"{endpoint}\": a gRPC endpoint takes no path";
            return false;
        }

        address = uri;
        error = string.Empty;
        return true;
    }

    private static bool HasExplicitPort(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        return colon > hostPort.LastIndexOf(']') && colon < hostPort.Length - 1;
    }
}
