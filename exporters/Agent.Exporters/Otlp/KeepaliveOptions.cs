using Agent.Core.Config;

namespace Agent.Exporters.Otlp;

/// <summary>The Collector's gRPC client <c>keepalive</c> block.</summary>
public sealed class KeepaliveOptions : IValidatable
{
    /// <summary>Ping after this long without activity.</summary>
    public TimeSpan Time { get; set; }

    /// <summary>Close the connection when a ping is not answered within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Ping even when no request is in flight.</summary>
    public bool PermitWithoutStream { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Time < TimeSpan.Zero)
        {
            yield return ("time", "must not be negative");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            yield return ("timeout", "must be positive");
        }
    }
}
