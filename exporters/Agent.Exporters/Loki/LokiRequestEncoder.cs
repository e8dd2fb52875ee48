using System.Collections.Concurrent;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;

namespace Agent.Exporters.Loki;

/// <summary>
/// Encodes a logs batch into Loki pushes once, when it is accepted: one or more per shard its streams map to (cut
/// at <c>max_request_bytes</c>), each keyed by its stream so a stream's pushes keep their order. Callers may encode
/// side by side; each borrows a builder from a small pool.
/// </summary>
internal sealed class LokiRequestEncoder : IRequestEncoder<LogsBatch>, IDisposable
{
    private readonly LokiLabelMapper _mapper;
    private readonly LokiExporterOptions _options;
    private readonly ConcurrentBag<LokiRequestBuilder> _builders = [];

    public LokiRequestEncoder(LokiLabelMapper mapper, LokiExporterOptions options)
    {
        _mapper = mapper;
        _options = options;
    }

    public bool Partitioned => true;

    public void Encode(LogsBatch batch, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        if (!_builders.TryTake(out var builder))
        {
            builder = new LokiRequestBuilder(_mapper, _options);
        }

        try
        {
            builder.Plan(batch, partitioner);
            while (builder.TryBuildNext(out var push))
            {
                // The builder reuses its buffer for the next push: the request keeps a pooled copy.
                requests.Add(ExportRequest.Pooled(Signal.Logs, push.Entries, push.Body.Span, push.ContentType, push.Tenant, push.Key));
            }
        }
        finally
        {
            builder.ShedBuffers();
            _builders.Add(builder);
        }
    }

    public void Dispose()
    {
        while (_builders.TryTake(out var builder))
        {
            builder.Dispose();
        }
    }
}
