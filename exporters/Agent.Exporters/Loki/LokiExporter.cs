using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Exporters.ExporterHelper;

namespace Agent.Exporters.Loki;

/// <summary>
/// Pushes logs to Loki. Each batch is encoded once into push requests (by shard, tenant and size), keyed by stream:
/// pushes of one stream go out in order through one shard while other streams go in parallel. 429 and 5xx are
/// retried with the same bytes, honouring Retry-After; a 400 refuses only the entries it names.
/// </summary>
public sealed class LokiExporter : IExporter
{
    private readonly string _name;
    private readonly Uri _pushUri;
    private readonly HttpClient _http;
    private readonly LokiRequestEncoder _encoder;
    private readonly RequestExporter<LogsBatch> _queue;

    public LokiExporter(ComponentContext context, LokiExporterOptions options, HttpClient? http = null, TimeProvider? time = null)
    {
        _name = context.Id.ToString();
        var telemetry = context.ExporterTelemetry();
        var logger = context.CreateLogger<LokiExporter>();
        _pushUri = options.PushUri();
        _http = http ?? HttpHandlerBuilder.CreateClient(options, logger);
        _encoder = new LokiRequestEncoder(new LokiLabelMapper(options), options);
        var sender = new LokiSender(_name, _pushUri, _http, options.Headers, telemetry, logger);
        _queue = new RequestExporter<LogsBatch>(context.Id, telemetry, options.SendingQueue, options.RetryOnFailure, options.Timeout, _encoder, sender, logger, time, QueueStorage.Locate(context, options.SendingQueue));
    }

    public IConsumer<TracesBatch>? Traces => null;

    public IConsumer<MetricsBatch>? Metrics => null;

    public IConsumer<LogsBatch>? Logs => _queue;

    public Task StartAsync(CancellationToken cancellationToken) => _queue.StartAsync(cancellationToken);

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _queue.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        _encoder.Dispose();
        _http.Dispose();
    }

    public override string ToString() => $"loki exporter {_name} → {_pushUri}";
}
