using Agent.Core.Config;

namespace Agent.Http;

/// <summary>
/// The Collector's HTTP server <c>cors</c> block: which browser origins may call the server (<c>*</c> matches any
/// run of characters, so <c>https://*.example.com</c> allows every subdomain), which request headers they may send
/// besides the ones every OTLP request needs, and how long a browser may cache the preflight answer.
/// </summary>
public sealed class CorsOptions : IValidatable
{
    public List<string> AllowedOrigins { get; set; } = [];

    public List<string> AllowedHeaders { get; set; } = [];

    /// <summary>Seconds a browser may cache a preflight answer; 0 = no <c>Access-Control-Max-Age</c> (the browser's default).</summary>
    public int MaxAge { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        for (int i = 0; i < AllowedOrigins.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(AllowedOrigins[i]) || AllowedOrigins[i].Any(char.IsWhiteSpace))
            {
                yield return ($"allowed_origins[{i}]", "must be an origin such as https://app.example.com, https://*.example.com or *");
            }
        }

        for (int i = 0; i < AllowedHeaders.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(AllowedHeaders[i]) || AllowedHeaders[i].Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                yield return ($"allowed_headers[{i}]", "must be a header name, or * for any");
            }
        }

        if (MaxAge < 0)
        {
            yield return ("max_age", "must not be negative");
        }
    }
}
