using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;

namespace Agent.Http;

/// <summary>
/// Serves a <c>cors</c> block with ASP.NET Core's CORS middleware: preflight requests (OPTIONS with
/// <c>Access-Control-Request-Method</c>) are answered 204 before any other handler, and answers to allowed origins
/// carry <c>Access-Control-Allow-Origin</c>. Only POST is offered, the one method the OTLP paths take.
/// </summary>
public static class Cors
{
    /// <summary>Request headers a browser's OTLP exporter sends, allowed whatever <c>allowed_headers</c> lists.</summary>
    private static readonly string[] AlwaysAllowedHeaders = ["Accept", "Content-Type", "Content-Encoding", "Origin", "X-Requested-With"];

    /// <summary>Adds the middleware when <paramref name="options"/> allows at least one origin (as in the Collector).</summary>
    public static void Use(WebApplication app, CorsOptions? options)
    {
        if (options is not { AllowedOrigins.Count: > 0 })
        {
            return;
        }

        var origins = options.AllowedOrigins.Select(OriginPattern).ToArray();
        app.UseCors(policy =>
        {
            policy.WithMethods("POST").SetIsOriginAllowed(origin => origins.Any(pattern => pattern.IsMatch(origin)));
            if (options.AllowedHeaders.Contains("*"))
            {
                policy.AllowAnyHeader();
            }
            else
            {
                policy.WithHeaders([.. AlwaysAllowedHeaders, .. options.AllowedHeaders]);
            }

            if (options.MaxAge > 0)
            {
                policy.SetPreflightMaxAge(TimeSpan.FromSeconds(options.MaxAge));
            }
        });
    }

    /// <summary><c>*</c> stands for any run of characters; everything else is literal, compared without case.</summary>
    internal static Regex OriginPattern(string origin) =>
        new("^" + string.Join(".*", origin.Split('*').Select(Regex.Escape)) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
