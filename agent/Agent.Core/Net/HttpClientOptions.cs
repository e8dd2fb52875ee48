using Agent.Core.Config;

namespace Agent.Core.Net;

/// <summary>
/// The settings every component that calls out over HTTP shares, under the Collector's keys: where to, with which
/// headers, how long an attempt may take, through which proxy, with which TLS and credentials. Components derive
/// their options from it and add their own keys; <see cref="HttpHandlerBuilder"/> turns it into a handler.
/// </summary>
public class HttpClientOptions : IValidatable
{
    /// <summary>Where to send; each component checks the form it needs (a URL, or gRPC's <c>host:port</c>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Added to every request (for example a tenant id); <c>auth</c> wins over an Authorization header here.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>How long one attempt may take before it is abandoned (and retried); 0 = no limit.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An <c>http://</c> proxy for every request; when unset, HTTP_PROXY/HTTPS_PROXY/NO_PROXY apply.</summary>
    public string? ProxyUrl { get; set; }

    public TlsClientOptions Tls { get; set; } = new();

    public ClientAuthOptions? Auth { get; set; }

    /// <summary>False where the timeout is also sent to the server as a deadline, which cannot be "none".</summary>
    protected virtual bool TimeoutMayBeZero => true;

    public virtual IEnumerable<(string Key, string Message)> Validate()
    {
        if (Timeout < TimeSpan.Zero || (Timeout == TimeSpan.Zero && !TimeoutMayBeZero))
        {
            yield return ("timeout", TimeoutMayBeZero ? "must not be negative" : "must be positive");
        }

        foreach (var name in Headers.Keys)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c == ':' || c > '~'))
            {
                yield return ("headers", $"\"{name}\" is not a valid header name");
            }
        }

        if (!string.IsNullOrEmpty(ProxyUrl) &&
            (!Uri.TryCreate(ProxyUrl, UriKind.Absolute, out var proxy) || proxy.Scheme is not ("http" or "https") || proxy.Host.Length == 0))
        {
            yield return ("proxy_url", $"\"{ProxyUrl}\" is not an http:// or https:// URL");
        }
    }
}
