using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Service;

namespace Agent.Tests.Config;

/// <summary>Factories whose options exercise every kind of value the binder supports.</summary>
internal static class TestComponents
{
    public static ComponentRegistry Registry { get; } = new(
        [new TracesOnlyReceiverFactory(), new AllSignalsReceiverFactory()],
        [new PassProcessorFactory()],
        [new AllSignalsExporterFactory(), new LogsOnlyExporterFactory()],
        [new NullExtensionFactory()]);
}

internal enum Mode
{
    Fast,
    VerySafe,
}

internal sealed class ProtocolOptions
{
    public string Endpoint { get; set; } = "localhost:1";

    public int MaxRecvMsgSizeMib { get; set; } = 4;
}

internal sealed class ProtocolsOptions : IPresenceAware
{
    public ProtocolOptions? Grpc { get; set; } = new();

    public ProtocolOptions? Http { get; set; } = new();

    public IReadOnlySet<string>? SeenKeys { get; private set; }

    public void OnKeysPresent(IReadOnlySet<string> keys)
    {
        SeenKeys = keys;
        Grpc = keys.Contains("grpc") ? Grpc : null;
        Http = keys.Contains("http") ? Http : null;
    }
}

internal sealed class RichOptions : IValidatable
{
    public string Endpoint { get; set; } = "default:1";

    public bool Enabled { get; set; } = true;

    public int Count { get; set; } = 3;

    public long Bytes { get; set; }

    public double Ratio { get; set; } = 0.5;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    public Mode Mode { get; set; }

    public List<string> Include { get; set; } = [];

    public Dictionary<string, string> Headers { get; set; } = [];

    public object? Value { get; set; }

    public ProtocolsOptions Protocols { get; set; } = new();

    public RetryOptions RetryOnFailure { get; set; } = new();

    public string? CaFile { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(Endpoint))
        {
            yield return ("endpoint", "must be set");
        }

        if (Count < 0)
        {
            yield return ("count", "must not be negative");
        }
    }
}


internal sealed class NullComponent : IComponent
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A receiver type that only the config loader sees: it is never started.</summary>
internal class TestReceiverFactory(string type, params Signal[] signals)
    : ReceiverFactory<RichOptions>(type, Stability.Development, signals)
{
    protected override IComponent Create(ComponentContext context, RichOptions options, ReceiverConsumers consumers) => new NullComponent();
}

internal sealed class TracesOnlyReceiverFactory() : TestReceiverFactory("tracesonly", Signal.Traces);

internal sealed class AllSignalsReceiverFactory() : TestReceiverFactory("everything", Signal.Traces, Signal.Metrics, Signal.Logs);

/// <summary>A processor type for config loading only: it handles every signal and creates nothing.</summary>
internal sealed class PassProcessorFactory() : ProcessorFactory<RichOptions>("pass", Stability.Development, Signal.Traces, Signal.Metrics, Signal.Logs);

/// <summary>An exporter type for config loading only.</summary>
internal class TestExporterFactory(string type, params Signal[] signals)
    : ExporterFactory<RichOptions>(type, Stability.Development, signals)
{
    protected override IExporter Create(ComponentContext context, RichOptions options, IReadOnlySet<Signal> signals) =>
        throw new NotSupportedException("config loading tests never create exporters");
}

internal sealed class AllSignalsExporterFactory() : TestExporterFactory("sink", Signal.Traces, Signal.Metrics, Signal.Logs);

internal sealed class LogsOnlyExporterFactory() : TestExporterFactory("logsink", Signal.Logs);

internal sealed class NullExtensionFactory() : ExtensionFactory<RichOptions>("nothing", Stability.Development)
{
    protected override IComponent Create(ComponentContext context, RichOptions options) => new NullComponent();
}
