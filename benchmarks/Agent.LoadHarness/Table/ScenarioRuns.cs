using System.Globalization;

namespace Agent.LoadHarness.Table;

/// <summary>The runs behind the table, each a scenario command line a user can type to repeat it alone.</summary>
internal enum ScenarioRun
{
    Sequential,
    Rate,
    Max,
    PodLogs,
    IdleFiles,
    Metrics,
}

/// <summary>The arguments of each run, for the agent and for its peer (null when the run has none or none was given).</summary>
internal static class ScenarioRuns
{
    /// <summary>1 GiB of 188-byte CRI lines, the load Fluent Bit's published figures were measured on.</summary>
    private const long PodLogLines = 5_713_814;

    public static string[] Agent(ScenarioRun run, TableSettings settings) => Arguments(run, settings, settings.Agent, peer: false);

    public static string[]? Peer(ScenarioRun run, TableSettings settings) => PeerBinary(run, settings) is string binary
        ? Arguments(run, settings, binary, peer: true)
        : null;

    /// <summary>The peer binary of a run, null when the run has no peer or it was not given.</summary>
    public static string? PeerBinary(ScenarioRun run, TableSettings settings) => run switch
    {
        ScenarioRun.PodLogs => settings.FluentBit,
        ScenarioRun.IdleFiles => null,
        _ => settings.Collector,
    };

    /// <summary>
    /// The command that runs the agent and its peer Collector at once on the same core (one round), when the table
    /// was asked for that and the run is a paced CPU row; null otherwise.
    /// </summary>
    public static string[]? SideBySide(ScenarioRun run, TableSettings settings) =>
        settings.SideBySide && settings.Collector is string collector && run is ScenarioRun.Rate or ScenarioRun.Metrics
            ? [.. Agent(run, settings), "--reference", collector, "--reference-collector", "--side-by-side", "--rounds", "1"]
            : null;

    /// <summary>The option that names the peer binary of a run, to say which one is missing.</summary>
    public static string PeerOption(ScenarioRun run) => run == ScenarioRun.PodLogs ? "--fluent-bit-binary" : "--collector-binary";

    private static string[] Arguments(ScenarioRun run, TableSettings settings, string binary, bool peer)
    {
        bool quick = settings.Quick;
        List<string> args = run switch
        {
            ScenarioRun.Sequential => ["traces", "--mode", "sequential", "--batch", "512", "--compression", "none", .. Windows(quick, "30s", "20s")],
            ScenarioRun.Rate => ["traces", "--mode", "rate", "--rate", "10000", "--batch", "100", "--concurrency", "64", "--compression", "none", .. Windows(quick, "60s", "20s")],
            ScenarioRun.Max => ["traces", "--mode", "max", "--batch", "100", "--concurrency", "64", "--compression", "none", .. Windows(quick, "30s", "15s")],
            ScenarioRun.Metrics => ["metrics", "--export", peer ? "otlp" : "prometheusremotewrite", "--rate", "10000", "--batch", "100", .. Windows(quick, "30s", "20s")],
            ScenarioRun.PodLogs => ["logs", "--lines", quick ? "200000" : PodLogLines.ToString(CultureInfo.InvariantCulture), "--line-bytes", "188", "--pods", "20", "--timeout", "600s"],
            _ => ["idle-files", "--files", "2000", "--settle", quick ? "5s" : "15s", "--window", quick ? "10s" : "60s"],
        };

        if (peer)
        {
            args.Insert(1, run == ScenarioRun.PodLogs ? "--fluent-bit" : "--collector");
        }

        args.InsertRange(1, ["--agent", binary]);
        if (settings.AgentCpu is int cpu)
        {
            args.InsertRange(3, ["--agent-cpu", cpu.ToString(CultureInfo.InvariantCulture)]);
        }

        return [.. args];
    }

    private static string[] Windows(bool quick, string warmup, string duration) =>
        quick ? ["--warmup", "5s", "--duration", "5s", "--idle", "2s"] : ["--warmup", warmup, "--duration", duration];
}
