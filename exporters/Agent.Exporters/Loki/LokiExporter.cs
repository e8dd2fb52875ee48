using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Net;
using Agent.Core.Telemetry;
using Agent.Exporters.Sending;
using Microsoft.Extensions.Logging;

namespace Agent.Exporters.Loki;

/// <summary>
/// Pushes logs to Loki. Each batch becomes one or more push requests (by tenant and size); 429 and 5xx are retried
/// by the sending queue, honouring Retry-After, and a retry resumes after the pushes Loki already took. A 400
/// refuses only the entries it names: those are counted by Loki's reason, the rest count as delivered.
/// </summary>
public sealed class LokiExporter : IExporter
{
    private const int MaxErrorBodyChars = 4096;

    private readonly string _name;
    private readonly LokiExporterOptions _options;
    private readonly Uri _pushUri;
    private readonly HttpClient _http;
    private readonly LokiLabelMapper _mapper;
    private readonly SendingQueue<LogsBatch> _queue;
    private readonly ILogger _logger;
    private readonly ExporterTelemetry _telemetry;
    private readonly ConcurrentBag<LokiRequestBuilder> _builders = [];
    private readonly ConditionalWeakTable<LogsBatch, Progress> _progress = [];

    public LokiExporter(ComponentContext context, LokiExporterOptions options, HttpClient? http = null)
    {
        _name = context.Id.ToString();
        _telemetry = context.ExporterTelemetry();
        _options = options;
        _pushUri = options.PushUri();
        _http = http ?? HttpHandlerBuilder.CreateClient(options);
        _mapper = new LokiLabelMapper(options);
        _logger = context.CreateLogger<LokiExporter>();
        _queue = new SendingQueue<LogsBatch>(context.Id, _telemetry, options.SendingQueue, options.RetryOnFailure, options.Timeout, SendAsync, _logger);
    }

    public IConsumer<TracesBatch>? Traces => null;

    public IConsumer<MetricsBatch>? Metrics => null;

    public IConsumer<LogsBatch>? Logs => _queue;

    public Task StartAsync(CancellationToken cancellationToken) => _queue.StartAsync(cancellationToken);

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        await _queue.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        while (_builders.TryTake(out var builder))
        {
            builder.Dispose();
        }

        _http.Dispose();
    }

    /// <summary>Sends a batch once (the sending queue retries); throws for what is not delivered.</summary>
    internal async ValueTask<SendResult> SendAsync(LogsBatch batch, CancellationToken cancellationToken)
    {
        var progress = _progress.GetValue(batch, static _ => new Progress());
        if (!_builders.TryTake(out var builder))
        {
            builder = new LokiRequestBuilder(_mapper, _options);
        }

        int entries;
        try
        {
            builder.Plan(batch);
            entries = builder.EntryCount;
            int index = 0;
            while (builder.TryBuildNext(out var push))
            {
                // A retry re-encodes the batch the same way and skips what Loki already took.
                if (index++ < progress.PushesDone)
                {
                    continue;
                }

                progress.Refused += await PushAsync(push, cancellationToken).ConfigureAwait(false);
                progress.PushesDone++;
            }
        }
        finally
        {
            _builders.Add(builder);
        }

        // The refused entries were counted by reason as Loki's answers came in.
        return progress.Refused > 0
            ? new SendResult(progress.Refused, $"Loki refused {progress.Refused} of {entries} entries", CountedBySender: true)
            : SendResult.Accepted;
    }

    /// <summary>Posts one push; returns how many of its entries Loki refused for good.</summary>
    private async Task<int> PushAsync(LokiPush push, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _pushUri);
        request.Content = new ReadOnlyMemoryContent(push.Body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(push.ContentType);
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (push.Tenant is not null)
        {
            request.Headers.Remove("X-Scope-OrgID");
            request.Headers.TryAddWithoutValidation("X-Scope-OrgID", push.Tenant);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new RetryableException($"push to {_pushUri} failed: {ex.Message}", null, ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            int status = (int)response.StatusCode;
            string message = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            if (status is 408 or 429 || status >= 500)
            {
                throw new RetryableException($"Loki answered {status}: {message}", RetryAfter.Of(response, DateTimeOffset.UtcNow));
            }

            return CountRefused(push, status, message);
        }
    }

    private int CountRefused(LokiPush push, int status, string message)
    {
        var refusals = status == (int)HttpStatusCode.BadRequest ? LokiRejection.Parse(message) : null;
        int refused = 0;
        if (refusals is null)
        {
            // Nothing says which entries: none of this push's entries can be taken as stored.
            refused = push.Entries;
            string reason = status == (int)HttpStatusCode.BadRequest ? LokiRejection.Reason(message) : $"http_{status}";
            _telemetry.SendFailed(Signal.Logs, refused, reason);
        }
        else
        {
            foreach (var (count, reason) in refusals)
            {
                int counted = Math.Min(count, push.Entries - refused);
                refused += counted;
                _telemetry.SendFailed(Signal.Logs, counted, reason);
            }
        }

        _logger.LogWarning("Exporter {Exporter}: Loki answered {Status} and refused {Refused} of {Entries} entries: {Message}", _name, status, refused, push.Entries, message);
        return refused;
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] : body.TrimEnd();
        }
        catch (HttpRequestException)
        {
            return response.ReasonPhrase ?? string.Empty;
        }
    }

    public override string ToString() => $"loki exporter {_name} → {_pushUri}";

    /// <summary>What earlier attempts at a batch achieved, so a retry neither resends nor recounts it.</summary>
    private sealed class Progress
    {
        public int PushesDone;
        public int Refused;
    }
}
