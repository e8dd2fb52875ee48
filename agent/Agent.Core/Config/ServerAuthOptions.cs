using Agent.Core.Components;

namespace Agent.Core.Config;

/// <summary>
/// A server's <c>auth</c> block, as in the Collector: the id of the authenticator extension that checks every
/// request (<c>bearertokenauth/ingest</c>). The loader checks that it names a configured, enabled extension.
/// </summary>
public sealed class ServerAuthOptions : IValidatable
{
    public string Authenticator { get; set; } = string.Empty;

    /// <summary>The extension's id; valid once <see cref="Validate"/> found no error.</summary>
    public ComponentId AuthenticatorId => ComponentId.TryParse(Authenticator, out var id, out _) ? id.Value : throw new InvalidOperationException($"\"{Authenticator}\" is not a component id");

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Authenticator))
        {
            yield return ("authenticator", "must name an authenticator extension, such as bearertokenauth");
        }
        else if (!ComponentId.TryParse(Authenticator, out _, out string? error))
        {
            yield return ("authenticator", error);
        }
    }
}
