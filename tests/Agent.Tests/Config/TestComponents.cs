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

    [ConfigKey("ca_file")]
    public string? CertificateAuthorityFile { get; set; }

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

internal abstract class TestFactory(string type, params Signal[] signals) : IComponentFactory
{
    public string Type => type;

    public Stability Stability => Stability.Development;

    public IReadOnlyCollection<Signal> Signals => signals;

    public virtual object CreateDefaultOptions() => new RichOptions();
}

internal sealed class NullComponent : IComponent
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class TracesOnlyReceiverFactory() : TestFactory("tracesonly", Signal.Traces), IReceiverFactory
{
    public IComponent CreateReceiver(ComponentContext context, ReceiverConsumers consumers) => new NullComponent();
}

internal sealed class AllSignalsReceiverFactory() : TestFactory("everything", Signal.Traces, Signal.Metrics, Signal.Logs), IReceiverFactory
{
    public IComponent CreateReceiver(ComponentContext context, ReceiverConsumers consumers) => new NullComponent();
}

internal sealed class PassProcessorFactory() : TestFactory("pass", Signal.Traces, Signal.Metrics, Signal.Logs), IProcessorFactory
{
    public IProcessor<TBatch> CreateProcessor<TBatch>(ComponentContext context, IConsumer<TBatch> next)
        where TBatch : Batch<TBatch> => throw new NotSupportedException();
}

internal sealed class AllSignalsExporterFactory() : TestFactory("sink", Signal.Traces, Signal.Metrics, Signal.Logs), IExporterFactory
{
    public IExporter CreateExporter(ComponentContext context) => throw new NotSupportedException();
}

internal sealed class LogsOnlyExporterFactory() : TestFactory("logsink", Signal.Logs), IExporterFactory
{
    public IExporter CreateExporter(ComponentContext context) => throw new NotSupportedException();
}

internal sealed class NullExtensionFactory() : TestFactory("nothing"), IExtensionFactory
{
    public IComponent CreateExtension(ComponentContext context) => new NullComponent();
}
