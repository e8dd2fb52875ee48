using Agent.Core.Config;

namespace Agent.Exporters.Debug;

/// <summary>How much the debug exporter writes, as in the Collector.</summary>
public enum DebugVerbosity
{
    /// <summary>One line per batch with its counts.</summary>
    Basic,

    /// <summary>Also one line per record (span, data point, log record).</summary>
    Normal,

    /// <summary>Also every field of every record, with resources, scopes and attributes.</summary>
    Detailed,
}

/// <summary>The <c>debug</c> exporter: writes what it receives to the agent's log, for trying pipelines out.</summary>
public sealed class DebugExporterOptions : IValidatable
{
    public DebugVerbosity Verbosity { get; set; } = DebugVerbosity.Basic;

    /// <summary>Batches written per second before sampling starts.</summary>
    public int SamplingInitial { get; set; } = 2;

    /// <summary>After the first <see cref="SamplingInitial"/> in a second, one batch in this many is written (0: none).</summary>
    public int SamplingThereafter { get; set; } = 1;

    /// <summary>Write through the agent's logger (true) or straight to standard output.</summary>
    public bool UseInternalLogger { get; set; } = true;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (SamplingInitial < 0)
        {
            yield return ("sampling_initial", "must not be negative");
        }

        if (SamplingThereafter < 0)
        {
            yield return ("sampling_thereafter", "must not be negative");
        }
    }
}
