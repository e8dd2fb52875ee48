using System.Text;
using Microsoft.Extensions.Logging;

namespace Agent.Core.Net;

/// <summary>
/// Puts the <c>auth</c> block's credentials in every request's <c>Authorization</c> header, replacing one from
/// <c>headers</c>. The value is asked for per request, so a rotated token file applies to the next request.
/// </summary>
internal sealed class AuthorizationHandler(Func<string> authorization, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>The handler for <paramref name="auth"/>, or <paramref name="inner"/> itself when there are no credentials.</summary>
    public static HttpMessageHandler Wrap(ClientAuthOptions? auth, HttpMessageHandler inner, TimeProvider time, ILogger? logger)
    {
        if (auth?.Basic is { } basic)
        {
            string value = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{basic.Username}:{basic.Password}"));
            return new AuthorizationHandler(() => value, inner);
        }

        if (!string.IsNullOrEmpty(auth?.BearerToken))
        {
            string value = "Bearer " + auth.BearerToken;
            return new AuthorizationHandler(() => value, inner);
        }

        if (!string.IsNullOrEmpty(auth?.BearerTokenFile))
        {
            var file = new BearerTokenFile(auth.BearerTokenFile, time, logger);
            return new AuthorizationHandler(() => "Bearer " + file.Token, inner);
        }

        return inner;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", authorization());
        return base.SendAsync(request, cancellationToken);
    }
}
