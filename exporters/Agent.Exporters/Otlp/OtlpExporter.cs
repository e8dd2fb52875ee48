using Agent.Core.Components;
using Agent.Core.Model;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Otlp;

/// <summary>
/// Sends traces, metrics and logs over OTLP/gRPC (to Tempo, a Collector, ...) through one channel, with a sending
/// queue per signal. Failures are sorted by the OTLP rules; refused parts of accepted requests are counted.
/// </summary>
public sealed class OtlpExporter : OtlpSignalExporter
{
    public OtlpExporter(ComponentContext context, IReadOnlySet<Signal> signals, OtlpExporterOptions options, TimeProvider? time = null)
        : this(context, signals, options, OtlpGrpcConnection.Open(context.Id, options, time ?? TimeProvider.System, context.CreateLogger<OtlpExporter>()), time)
    {
    }

    private OtlpExporter(ComponentContext context, IReadOnlySet<Signal> signals, OtlpExporterOptions options, OtlpGrpcSender sender, TimeProvider? time)
        : base(context, signals, options, sender, gzipBodies: false, context.CreateLogger<OtlpExporter>(), time)
    {
        Target = sender.Target;
    }

    /// <summary>The address the channel connects to.</summary>
    public Uri Target { get; }
}
