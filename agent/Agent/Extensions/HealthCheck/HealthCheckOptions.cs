using Agent.Core.Config;
using Agent.Http;

namespace Agent.Extensions.HealthCheck;

/// <summary>The Collector's <c>health_check</c> options.</summary>
public sealed class HealthCheckOptions : IValidatable, IListeningOptions
{
    public string Endpoint { get; set; } = "localhost:13133";

    public (string Key, string Endpoint)? ListenAddress => ("endpoint", Endpoint);

    public string Path { get; set; } = "/";

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (!ListenEndpoint.TryParse(Endpoint, out _, out string? error))
        {
            yield return ("endpoint", error);
        }

        if (!Path.StartsWith('/'))
        {
            yield return ("path", "must start with /");
        }
    }
}
