using Agent.LoadHarness.Reporting;

namespace Agent.LoadHarness.Table;

/// <summary>The rows of issue 7's table (with issue 8's metrics row), in the order.</summary>
internal static class GoalRows
{
    private const string Collector = "otelcol";
    private const string FluentBit = "fluent-bit";

    public static IReadOnlyList<GoalRow> All { get; } =
    [
        new("one sequential exporter, 512 spans per call: spans/s", ScenarioRun.Sequential, "accepted spans/s (window)", "N0", Collector, 109_700, "≥ the Collector", GoalRow.AtLeastThePeer(109_700)),
        new("one sequential exporter, 512 spans per call: p50 ms", ScenarioRun.Sequential, ResultTable.CallP50, "0.00", Collector, 2.4, "(reported)", null),
        new("10k spans/s, 100 per call, 64 in flight: p50 ms", ScenarioRun.Rate, ResultTable.CallP50, "0.00", Collector, 1.6, "≤ 5 ms", GoalRow.AtMost(5)),
        new("10k spans/s: CPU % of one core", ScenarioRun.Rate, ResultTable.AgentCpu, "0.0", Collector, 18.8, "≤ 5 %", GoalRow.AtMost(5)),
        new("10k spans/s: RSS max MiB", ScenarioRun.Rate, "RSS max MiB", "0.0", Collector, 33, "≤ 40 MiB", GoalRow.AtMost(40)),
        new("maximum on one core, 64 in flight: spans/s", ScenarioRun.Max, "received spans/s (window)", "N0", Collector, 117_000, "≥ 300,000", GoalRow.AtLeast(300_000)),
        new("maximum on one core: RSS max MiB", ScenarioRun.Max, "RSS max MiB", "0.0", Collector, 963, "bounded by config", null),
        new("idle RSS MiB", ScenarioRun.Rate, "idle RSS MiB", "0.0", Collector, 21, "≤ 20 MiB", GoalRow.AtMost(20)),
        new("pod logs, 1 GiB of CRI lines → Loki: lines per CPU-second", ScenarioRun.PodLogs, "lines per CPU-s (shipping)", "N0", FluentBit, 231_000, "≥ 1,000,000", GoalRow.AtLeast(1_000_000)),
        new("pod logs: peak RSS MiB", ScenarioRun.PodLogs, "RSS max MiB", "0.0", FluentBit, 76, "≤ 48 MiB", GoalRow.AtMost(48)),
        new("idle tailer, 2,000 unchanging files: CPU % of one core", ScenarioRun.IdleFiles, ResultTable.AgentCpu, "0.00", "—", null, "≤ 1 %", GoalRow.AtMost(1)),
        new("OTLP metrics, 10k points/s → remote-write: CPU % of one core", ScenarioRun.Metrics, ResultTable.AgentCpu, "0.0", $"{Collector} (otlp → otlp)", 26, "≤ 5 %", GoalRow.AtMost(5)),
        new("OTLP metrics, 10k points/s: RSS max MiB", ScenarioRun.Metrics, "RSS max MiB", "0.0", $"{Collector} (otlp → otlp)", null, "(reported)", null),
    ];
}
