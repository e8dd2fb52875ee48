using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Core.Telemetry;
using Agent.Exporters.ExporterHelper;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Encodes a metrics batch into remote-write requests once, when it is accepted: at most one per shard (more when a
/// shard passes <c>max_batch_size_bytes</c>), keyed by shard. The translator keeps state across batches (delta
/// totals, the series sent), so encoding runs under one lock; points it cannot write are counted by reason. An
/// empty batch is the exporter's tick: it encodes the staleness markers that are due. A batch still encoded is read
/// as bytes and stays so.
/// </summary>
internal sealed class RemoteWriteEncoder : IRequestEncoder<MetricsBatch>, IHandlesEncodedRecords, IDisposable
{
    private readonly Lock _gate = new();
    private readonly MetricTranslator _translator;
    private readonly ExporterTelemetry _telemetry;
    private readonly TimeSpan _staleAfter;
    private bool _stopping;

    public RemoteWriteEncoder(PrometheusRemoteWriteExporterOptions options, ExporterTelemetry telemetry, TimeProvider time)
    {
        _translator = new MetricTranslator(options, time);
        _telemetry = telemetry;
        _staleAfter = options.StaleMarkers.After;
    }

    public bool Partitioned => true;

    /// <summary>The translator walks the bytes of metrics received over OTLP: they need not be decoded on the way.</summary>
    public bool HandlesEncodedRecords => true;

    public int TrackedSeries
    {
        get
        {
            lock (_gate)
            {
                return _translator.TrackedSeries;
            }
        }
    }

    /// <summary>From now on an empty batch marks every series sent as stale (the exporter is stopping).</summary>
    public void Stopping()
    {
        lock (_gate)
        {
            _stopping = true;
        }
    }

    public void Encode(MetricsBatch batch, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        lock (_gate)
        {
            if (batch.Message is WireRequest { Groups.Count: 0 } or ExportMetricsServiceRequest { ResourceMetrics.Count: 0 })
            {
                if (_stopping || _staleAfter > TimeSpan.Zero)
                {
                    _translator.MarkStale(_stopping ? TimeSpan.Zero : _staleAfter, partitioner, requests);
                }

                return;
            }

            var drops = _translator.Drops;
            drops.Clear();
            _translator.Translate(batch, partitioner, requests);
            Report(drops.ExponentialHistogram, "exponential_histogram");
            Report(drops.DeltaTemporality, "delta_temporality");
            Report(drops.DeltaLimit, "delta_limit");
            Report(drops.NoName, "no_metric_name");
            Report(drops.DuplicateTimestamp, "duplicate_timestamp");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _translator.Dispose();
        }
    }

    private void Report(int points, string reason)
    {
        if (points > 0)
        {
            _telemetry.SendFailed(Signal.Metrics, points, reason);
        }
    }
}
