using System.Text;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Debug;

/// <summary>
/// Writes what reaches it to the agent's log (or standard output), at the Collector's three verbosities. It sends
/// nothing anywhere, so it needs no queue: every batch is written, counted as sent and completed on the spot.
/// </summary>
public sealed class DebugExporter : IExporter
{
    private readonly string _name;
    private readonly DebugExporterOptions _options;
    private readonly ILogger _logger;
    private readonly ExporterTelemetry _telemetry;
    private readonly BatchSampler _sampler;
    private readonly TextWriter? _output;

    public DebugExporter(ComponentContext context, DebugExporterOptions options, TimeProvider? time = null, TextWriter? output = null)
    {
        _name = context.Id.ToString();
        _telemetry = context.ExporterTelemetry();
        _options = options;
        _logger = context.CreateLogger<DebugExporter>();
        _sampler = new BatchSampler(options.SamplingInitial, options.SamplingThereafter, time ?? TimeProvider.System);
        _output = options.UseInternalLogger ? null : output ?? Console.Out;
        Traces = new Writer<TracesBatch>(this, static b => b.Data.ResourceSpans.Count, static (text, b, detailed) =>
        {
            if (detailed)
            {
                TracesText.AppendDetailed(text, b.Data);
            }
            else
            {
                TracesText.AppendNormal(text, b.Data);
            }
        });
        Metrics = new Writer<MetricsBatch>(this, static b => b.Data.ResourceMetrics.Count, static (text, b, detailed) =>
        {
            if (detailed)
            {
                MetricsText.AppendDetailed(text, b.Data);
            }
            else
            {
                MetricsText.AppendNormal(text, b.Data);
            }
        });
        Logs = new Writer<LogsBatch>(this, static b => b.Data.ResourceLogs.Count + b.Raw.Count, static (text, b, detailed) =>
        {
            // Raw file lines are converted only here, when someone asked to see them.
            if (detailed)
            {
                LogsText.AppendDetailed(text, b.ToOtlp());
            }
            else
            {
                LogsText.AppendNormal(text, b.ToOtlp());
            }
        });
    }

    public IConsumer<TracesBatch> Traces { get; }

    public IConsumer<MetricsBatch> Metrics { get; }

    public IConsumer<LogsBatch> Logs { get; }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken) => _output?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    private void Write<TBatch>(TBatch batch, int groups, Action<StringBuilder, TBatch, bool> describe)
        where TBatch : Batch
    {
        int items = batch.ItemCount;
        try
        {
            if (_sampler.ShouldWrite())
            {
                WriteText(batch, groups, items, describe);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // Losing debug output must not hold the pipeline: the data had nowhere else to go anyway.
            _logger.LogWarning("Exporter {Exporter} could not write: {Error}", _name, ex.Message);
        }

        _telemetry.Sent(batch.Signal, items);
        batch.Complete(DeliveryStatus.Delivered);
    }

    private void WriteText<TBatch>(TBatch batch, int groups, int items, Action<StringBuilder, TBatch, bool> describe)
        where TBatch : Batch
    {
        string summary = $"{batch.Signal.ConfigName()}: {groups} resource groups, {items} {batch.Signal.ItemName()}";
        string? details = null;
        if (_options.Verbosity != DebugVerbosity.Basic)
        {
            var text = new StringBuilder();
            describe(text, batch, _options.Verbosity == DebugVerbosity.Detailed);
            details = text.ToString().TrimEnd();
        }

        if (_output is not null)
        {
            lock (_output)
            {
                _output.WriteLine(summary);
                if (details is not null)
                {
                    _output.WriteLine(details);
                }
            }
        }
        else
        {
            _logger.LogInformation("Exporter {Exporter}: {Summary}", _name, summary);
            if (details is not null)
            {
                _logger.LogInformation("{Details}", details);
            }
        }
    }

    private sealed class Writer<TBatch>(DebugExporter owner, Func<TBatch, int> groups, Action<StringBuilder, TBatch, bool> describe) : IConsumer<TBatch>
        where TBatch : Batch
    {
        public bool MutatesData => false;

        public ValueTask ConsumeAsync(TBatch batch, CancellationToken cancellationToken)
        {
            owner.Write(batch, groups(batch), describe);
            return ValueTask.CompletedTask;
        }
    }
}
