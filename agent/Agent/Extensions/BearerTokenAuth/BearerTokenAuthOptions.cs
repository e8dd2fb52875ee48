using Agent.Core.Config;

namespace Agent.Extensions.BearerTokenAuth;

/// <summary>
/// The Collector's <c>bearertokenauth</c> extension, server side: a request comes in only with
/// <c>&lt;header&gt;: &lt;scheme&gt; &lt;token&gt;</c>. The token is written here or kept in a file that is read again
/// when it changes. Neither the token nor the file's contents ever appear in an error or a log line.
/// </summary>
public sealed class BearerTokenAuthOptions : IValidatable
{
    /// <summary>The word before the token; empty = the header holds the token alone.</summary>
    public string Scheme { get; set; } = "Bearer";

    public string? Token { get; set; }

    /// <summary>A file holding the token (surrounding white space ignored), checked for changes every few seconds.</summary>
    public string? Filename { get; set; }

    /// <summary>The request header that carries the credentials.</summary>
    public string Header { get; set; } = "Authorization";

    public IEnumerable<(string Key, string Message)> Validate()
    {
        bool hasToken = !string.IsNullOrEmpty(Token);
        bool hasFile = !string.IsNullOrEmpty(Filename);
        if (hasToken == hasFile)
        {
            yield return (string.Empty, "set exactly one of token and filename");
        }

        if (hasFile && !File.Exists(Filename))
        {
            yield return ("filename", $"file \"{Filename}\" does not exist");
        }

        if (string.IsNullOrWhiteSpace(Header) || Header.Any(c => c <= ' ' || c >= 127 || c == ':'))
        {
            yield return ("header", "must be a header name, such as Authorization");
        }

        if (Scheme.Any(char.IsWhiteSpace))
        {
            yield return ("scheme", "must be one word, such as Bearer");
        }
    }
}
