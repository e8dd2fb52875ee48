namespace Agent.Core.Components;

/// <summary>
/// An extension that decides whether a request to a server may come in (the Collector's server authenticators,
/// such as <c>bearertokenauth</c>), from one request header.
/// </summary>
public interface IServerAuthenticator
{
    /// <summary>The request header the decision is made on (<c>Authorization</c>).</summary>
    string HeaderName { get; }

    /// <summary>True when <paramref name="headerValue"/> (null when the header is missing) lets the request in.</summary>
    bool Authenticate(string? headerValue);
}
