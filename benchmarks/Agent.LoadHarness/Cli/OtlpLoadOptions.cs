using System.CommandLine;
using Agent.LoadHarness.Measurement;
using Agent.LoadHarness.Otlp;

namespace Agent.LoadHarness.Cli;

/// <summary>The options every OTLP load command takes: the binary under load, the rate or max mode, and the windows.</summary>
internal sealed class OtlpLoadOptions
{
    private readonly Option<bool> _collector = new("--collector")
    {
        Description = "The --agent binary is an OpenTelemetry Collector (a peer): run it as otelcol --config FILE on the same load.",
    };

    private readonly Option<string> _mode = new("--mode")
    {
        Description = "rate (paced to --rate), max (as fast as the agent accepts) or sequential (one call at a time, as an SDK's batch processor exports).",
        DefaultValueFactory = _ => "rate",
    };
    private readonly Option<double> _rate;
    private readonly Option<int> _batch;
    private readonly Option<int?> _concurrency = new("--concurrency") { Description = "Most export calls in flight (default 64 in rate mode, 256 in max mode, always 1 in sequential mode)." };

    // 60 s: the agent's tiered JIT keeps hot encode/decode paths at tier 0 for well over 20 s under this load.
    private readonly Option<string> _warmup = HarnessCommandLine.DurationOption("--warmup", "Load before the measured window.", "60s");
    private readonly Option<string> _duration = HarnessCommandLine.DurationOption("--duration", "The measured window.", "20s");
    private readonly Option<string> _idle = HarnessCommandLine.DurationOption("--idle", "Wait after the agent is ready before its idle RSS is read.", "5s");
    private readonly Option<bool> _keep = new("--keep") { Description = "Keep the agent's config and log." };
    private readonly Option<string?> _reference = new("--reference")
    {
        Description = "A second binary run in the agent's place on the same load, alternately with --agent (reference first) or with --side-by-side at the same time: an earlier agent build, benchmarks/Agent.ServerFloor's server-floor, or with --reference-collector a peer Collector.",
    };

    private readonly Option<bool> _referenceCollector = new("--reference-collector")
    {
        Description = "The --reference binary is an OpenTelemetry Collector: run it as otelcol --config FILE, so that its CPU and the agent's are read in the same rounds.",
    };

    private readonly Option<int> _rounds = new("--rounds") { Description = "With --reference: runs of each binary.", DefaultValueFactory = _ => 3 };

    private readonly Option<bool> _sideBySide = new("--side-by-side")
    {
        Description = "With --reference: run both binaries at once on the same --agent-cpu, each with its own load and sink, instead of one after the other; the host's speed then drifts alike for both.",
    };

    public OtlpLoadOptions(string items, double defaultRate, int defaultBatch)
    {
        _mode.AcceptOnlyFromAmong("rate", "max", "sequential");
        _rate = new Option<double>("--rate") { Description = $"{items} per second in rate mode.", DefaultValueFactory = _ => defaultRate };
        _batch = new Option<int>("--batch") { Description = $"{items} per export request.", DefaultValueFactory = _ => defaultBatch };
    }

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[]
        {
            HarnessCommandLine.AgentPath, HarnessCommandLine.AgentCpu, HarnessCommandLine.Output,
            _collector, _mode, _rate, _batch, _concurrency, _warmup, _duration, _idle, _keep, _reference, _referenceCollector, _rounds, _sideBySide,
        })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The binary to compare the agent with, the rounds of each and how they run; null without --reference.</summary>
    public ReferenceRuns? Comparison(ParseResult result)
    {
        if (result.GetValue(_reference) is not { } reference)
        {
            return result.GetValue(_sideBySide) || result.GetValue(_referenceCollector)
                ? throw new HarnessException("--side-by-side and --reference-collector: need a --reference binary to run beside the agent")
                : null;
        }

        if (result.GetValue(_collector))
        {
            throw new HarnessException("--reference: compares the agent with another binary; give the Collector as --reference with --reference-collector, not as --agent");
        }

        if (!File.Exists(reference))
        {
            throw new HarnessException($"--reference: {reference} does not exist");
        }

        int rounds = result.GetValue(_rounds);
        return rounds >= 1
            ? new ReferenceRuns(new AgentBinary(reference, ReferenceKind(result)), rounds, result.GetValue(_sideBySide))
            : throw new HarnessException($"--rounds: {rounds} is not a number of runs (1 or more)");
    }

    public OtlpLoadSettings Settings(ParseResult result)
    {
        string mode = result.GetValue(_mode)!;
        bool paced = mode == "rate";
        string kind = result.GetValue(_collector) ? AgentBinary.CollectorKind : AgentBinary.AgentKind;
        return new OtlpLoadSettings(
            new AgentBinary(result.GetValue(HarnessCommandLine.AgentPath)!, kind),
            result.GetValue(HarnessCommandLine.AgentCpu),
            paced ? result.GetValue(_rate) : null,
            result.GetValue(_batch),
            mode switch { "sequential" => 1, "max" => result.GetValue(_concurrency) ?? 256, _ => result.GetValue(_concurrency) ?? 64 },
            HarnessCommandLine.ParseDuration(result.GetValue(_warmup)!),
            HarnessCommandLine.ParseDuration(result.GetValue(_duration)!),
            HarnessCommandLine.ParseDuration(result.GetValue(_idle)!),
            result.GetValue(_keep));
    }

    private string ReferenceKind(ParseResult result) => result.GetValue(_referenceCollector) ? AgentBinary.CollectorKind : AgentBinary.AgentKind;
}
