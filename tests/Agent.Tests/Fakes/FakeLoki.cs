using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Tests.Fakes;

/// <summary>One log entry Loki stored: its tenant, stream labels, nanosecond time, line and structured metadata.</summary>
public sealed record FakeLokiEntry(
    string? Tenant,
    IReadOnlyDictionary<string, string> Labels,
    long TimeUnixNano,
    string Line,
    IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    public string? MetadataValue(string name) => Metadata.FirstOrDefault(pair => pair.Key == name).Value;
}

/// <summary>What one push request looked like and how the fake answered it.</summary>
public sealed record FakeLokiRequest(
    string? ContentType,
    string? ContentEncoding,
    string? Tenant,
    string? Authorization,
    int BodyBytes,
    int Streams,
    int Entries,
    int Status,
    string Answer,
    byte[] Body);

/// <summary>
/// A stand-in for Loki's push endpoint (<c>POST /loki/api/v1/push</c>) on 127.0.0.1 with a free port, decoding
/// bodies as Loki does: snappy block-compressed protobuf <c>logproto.PushRequest</c> (Content-Encoding empty or
/// "snappy"), or the JSON push format; stream selectors parsed with LogQL's label rules. It can answer 429/5xx for a
/// number of requests, and refuse entries matching a predicate the way Loki's ingester does: the other entries are
/// stored, and the 400 says "... total ignored: N out of M for stream: {…}" for the last stream that had refusals.
/// </summary>
public sealed class FakeLoki : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly List<FakeLokiEntry> _entries = [];
    private readonly List<FakeLokiRequest> _requests = [];
    private readonly Queue<(int? Status, string? RetryAfter)> _plannedAnswers = new();
    private Func<FakeLokiEntry, bool>? _refuse;
    private Func<IReadOnlyList<FakeLokiStream>, bool>? _hold;
    private Task _released = Task.CompletedTask;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _refuseReason = string.Empty;

    private FakeLoki(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUri { get; private set; } = null!;

    public Uri PushUri => new(BaseUri, "/loki/api/v1/push");

    /// <summary>When set, requests without exactly this Authorization header get 401.</summary>
    public string? RequiredAuthorization { get; set; }

    public IReadOnlyList<FakeLokiEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<FakeLokiRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeLoki> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var fake = new FakeLoki(app);
        app.MapPost("/loki/api/v1/push", fake.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUri = new Uri(certificate is null ? address : address.Replace("http://", "https://", StringComparison.Ordinal));
        return fake;
    }

    /// <summary>
    /// After letting <paramref name="after"/> requests through, the next <paramref name="count"/> get
    /// <paramref name="status"/> (with Retry-After when given), and nothing of them is stored.
    /// </summary>
    public void FailNext(int count, int status, string? retryAfter = null, int after = 0)
    {
        lock (_lock)
        {
            for (int i = 0; i < after; i++)
            {
                _plannedAnswers.Enqueue((null, null));
            }

            for (int i = 0; i < count; i++)
            {
                _plannedAnswers.Enqueue((status, retryAfter));
            }
        }
    }

    /// <summary>Forgets the failures still planned by <see cref="FailNext"/>: the next push is stored (Loki is back).</summary>
    public void StopFailing()
    {
        lock (_lock)
        {
            _plannedAnswers.Clear();
        }
    }

    /// <summary>Entries matching <paramref name="refuse"/> are refused with <paramref name="reason"/>; others are stored.</summary>
    public void Refuse(Func<FakeLokiEntry, bool> refuse, string reason = "entry too far behind")
    {
        lock (_lock)
        {
            _refuse = refuse;
            _refuseReason = reason;
        }
    }

    /// <summary>
    /// Pushes whose streams match <paramref name="hold"/> get no answer until <paramref name="release"/> completes;
    /// <see cref="Held"/> completes when the first is being held. Other pushes are answered meanwhile.
    /// </summary>
    public void HoldUntil(Func<IReadOnlyList<FakeLokiStream>, bool> hold, Task release)
    {
        lock (_lock)
        {
            _hold = hold;
            _released = release;
        }
    }

    /// <summary>Completes once a push matching <see cref="HoldUntil"/> is being held.</summary>
    public Task Held => _held.Task;

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body).ConfigureAwait(false);
        await HoldIfAskedAsync(request.ContentType, request.Headers.ContentEncoding.FirstOrDefault(), body.ToArray()).ConfigureAwait(false);
        string? tenant = request.Headers["X-Scope-OrgID"].FirstOrDefault();
        string? authorization = request.Headers.Authorization.FirstOrDefault();
        string? encoding = request.Headers.ContentEncoding.FirstOrDefault();

        (int Status, string Answer, int Streams, int Entries) outcome;
        (int? Status, string? RetryAfter) failure = default;
        lock (_lock)
        {
            _plannedAnswers.TryDequeue(out failure);
        }

        if (RequiredAuthorization is not null && authorization != RequiredAuthorization)
        {
            outcome = (401, "unauthorized", 0, 0);
        }
        else if (failure.Status is { } failStatus)
        {
            outcome = (failStatus, "fake failure", 0, 0);
            if (failure.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = failure.RetryAfter;
            }
        }
        else
        {
            outcome = Ingest(request.ContentType, encoding, tenant, body.ToArray());
        }

        lock (_lock)
        {
            _requests.Add(new FakeLokiRequest(request.ContentType, encoding, tenant, authorization, (int)body.Length, outcome.Streams, outcome.Entries, outcome.Status, outcome.Answer, body.ToArray()));
        }

        context.Response.StatusCode = outcome.Status;
        if (outcome.Status != 204)
        {
            await context.Response.WriteAsync(outcome.Answer + "\n").ConfigureAwait(false);
        }
    }

    private async Task HoldIfAskedAsync(string? contentType, string? encoding, byte[] body)
    {
        Func<IReadOnlyList<FakeLokiStream>, bool>? hold;
        Task released;
        lock (_lock)
        {
            (hold, released) = (_hold, _released);
        }

        if (hold is not null && hold(FakeLokiDecoding.Decode(contentType, encoding, body)))
        {
            _held.TrySetResult();
            await released.ConfigureAwait(false);
        }
    }

    private (int Status, string Answer, int Streams, int Entries) Ingest(string? contentType, string? encoding, string? tenant, byte[] body)
    {
        List<FakeLokiStream> streams;
        try
        {
            streams = FakeLokiDecoding.Decode(contentType, encoding, body);
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or Google.Protobuf.InvalidProtocolBufferException or System.Text.Json.JsonException)
        {
            return (400, ex.Message, 0, 0);
        }

        var accepted = new List<FakeLokiEntry>();
        string? lastRefusal = null;
        int total = 0;
        foreach (var stream in streams)
        {
            SortedDictionary<string, string> labels;
            try
            {
                labels = FakeLokiSelector.Parse(stream.Selector);
            }
            catch (FormatException ex)
            {
                return (400, $"couldn't parse labels: {ex.Message}", streams.Count, 0);
            }

            var refused = new StringBuilder();
            int refusedCount = 0;
            foreach (var (time, line, metadata) in stream.Entries)
            {
                total++;
                var entry = new FakeLokiEntry(tenant, labels, time, line, metadata);
                bool refuse;
                lock (_lock)
                {
                    refuse = _refuse?.Invoke(entry) == true;
                }

                if (refuse)
                {
                    refusedCount++;
                    string when = DateTimeOffset.UnixEpoch.AddTicks(time / 100).ToString("yyyy-MM-dd HH:mm:ss.fffffff +0000 UTC", CultureInfo.InvariantCulture);
                    refused.Append(CultureInfo.InvariantCulture, $"entry with timestamp {when} ignored, reason: '{_refuseReason}',\n");
                }
                else
                {
                    accepted.Add(entry);
                }
            }

            if (refusedCount > 0)
            {
                // Like Loki's ingester, only the last failing stream of a push is reported.
                lastRefusal = refused.Append(CultureInfo.InvariantCulture, $"user '{tenant ?? "fake"}', total ignored: {refusedCount} out of {stream.Entries.Count} for stream: {stream.Selector}").ToString();
            }
        }

        lock (_lock)
        {
            _entries.AddRange(accepted);
        }

        return lastRefusal is null ? (204, string.Empty, streams.Count, total) : (400, lastRefusal, streams.Count, total);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
