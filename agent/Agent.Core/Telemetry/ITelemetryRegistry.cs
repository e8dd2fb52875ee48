namespace Agent.Core.Telemetry;

/// <summary>
/// Where components record their own metrics. The host owns the one instance (served on <c>/metrics</c>) and hands it
/// to every component through <see cref="Components.IComponentHost"/>, so Core holds no global registry and a test
/// can give each component a registry of its own.
/// </summary>
public interface ITelemetryRegistry
{
    /// <summary>The counter of this name with these label values; asking again returns the same counter.</summary>
    ICounter Counter(string name, string help, string[] labelNames, string[] labelValues);

    /// <summary>The gauge of this name with these label values; asking again returns the same gauge.</summary>
    IGauge Gauge(string name, string help, string[] labelNames, string[] labelValues);
}

/// <summary>A monotonically increasing count.</summary>
public interface ICounter
{
    void Add(double value);
}

/// <summary>A value that goes up and down.</summary>
public interface IGauge
{
    void Set(double value);
}
