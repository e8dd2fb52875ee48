using Agent.Core.Config;

namespace Agent.Core.Net;

/// <summary>
/// Credentials sent in the <c>Authorization</c> header of every request: HTTP basic, a fixed bearer token, or a
/// bearer token read from a file that may be replaced while the agent runs (a Kubernetes projected token).
/// </summary>
public sealed class ClientAuthOptions : IValidatable
{
    public BasicAuthOptions? Basic { get; set; }

    public string? BearerToken { get; set; }

    /// <summary>A file holding the token; read again when it changes.</summary>
    public string? BearerTokenFile { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        int chosen = (Basic is null ? 0 : 1) + (string.IsNullOrEmpty(BearerToken) ? 0 : 1) + (string.IsNullOrEmpty(BearerTokenFile) ? 0 : 1);
        if (chosen == 0)
        {
            yield return (string.Empty, "set one of basic, bearer_token or bearer_token_file");
        }
        else if (chosen > 1)
        {
            yield return (string.Empty, "basic, bearer_token and bearer_token_file exclude each other: set only one");
        }

        if (!string.IsNullOrEmpty(BearerTokenFile) && !File.Exists(BearerTokenFile))
        {
            yield return ("bearer_token_file", $"file \"{BearerTokenFile}\" does not exist");
        }
    }
}

/// <summary>HTTP basic authentication (RFC 7617).</summary>
public sealed class BasicAuthOptions : IValidatable
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
