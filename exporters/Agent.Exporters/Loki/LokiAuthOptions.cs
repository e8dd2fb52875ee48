using Agent.Core.Config;

namespace Agent.Exporters.Loki;

/// <summary>
/// Which Loki tenant a push belongs to (<c>X-Scope-OrgID</c>): a fixed <c>value</c>, or the value of an attribute
/// (<c>from_attribute: k8s.namespace.name</c>) with <c>value</c> as the fallback when a record lacks it.
/// </summary>
public sealed class LokiTenantOptions : IValidatable
{
    public string? Value { get; set; }

    public string? FromAttribute { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Value) && string.IsNullOrEmpty(FromAttribute))
        {
            yield return (string.Empty, "set value, from_attribute, or both");
        }
    }
}

/// <summary>Credentials for Loki or the gateway in front of it: HTTP basic or a bearer token.</summary>
public sealed class LokiAuthOptions : IValidatable
{
    public LokiBasicAuthOptions? Basic { get; set; }

    public string? BearerToken { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Basic is not null && !string.IsNullOrEmpty(BearerToken))
        {
            yield return (string.Empty, "basic and bearer_token exclude each other");
        }

        if (Basic is null && string.IsNullOrEmpty(BearerToken))
        {
            yield return (string.Empty, "set basic or bearer_token");
        }
    }

    /// <summary>The Authorization header value, or null when none is configured.</summary>
    public string? AuthorizationHeader()
    {
        if (Basic is { } basic)
        {
            string pair = $"{basic.Username}:{basic.Password}";
            return "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pair));
        }

        return string.IsNullOrEmpty(BearerToken) ? null : "Bearer " + BearerToken;
    }
}

public sealed class LokiBasicAuthOptions : IValidatable
{
    public string Username { get; set; } = string.Empty;

    public string Password { get; set; } = string.Empty;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Username))
        {
            yield return ("username", "is required");
        }

        if (Username.Contains(':', StringComparison.Ordinal))
        {
            yield return ("username", "must not contain ':' (HTTP basic authentication splits on it)");
        }
    }
}
