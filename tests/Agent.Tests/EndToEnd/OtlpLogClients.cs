using System.Globalization;
using System.Net;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// Impatient OTLP/HTTP clients: each posts requests of <paramref name="recordsPerRequest"/> log records whose bodies
/// name their request and place, again 50 ms after a refusal or no answer (sooner than the Retry-After asks), and remembers which
/// requests were answered 200: those are what the agent acknowledged.
/// </summary>
internal sealed class OtlpLogClients(int port, int recordsPerRequest, int recordPadding)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<int> _accepted = [];
    private readonly List<string> _other = [];
    private int _next = -1;
    private int _retryAfter;
    private int _unanswered;
    private long _bytes;

    public IReadOnlyList<int> Accepted
    {
        get
        {
            lock (_accepted)
            {
                return [.. _accepted];
            }
        }
    }

    /// <summary>Answers other than 200 and 503 with Retry-After, and requests that got no answer, with why.</summary>
    public IReadOnlyList<string> OtherAnswers
    {
        get
        {
            lock (_other)
            {
                return [.. _other];
            }
        }
    }

    public int RetryAfterAnswers => Volatile.Read(ref _retryAfter);

    /// <summary>Requests that got no answer at all (the connection failed or timed out).</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    public long BytesSent => Interlocked.Read(ref _bytes);

    public int Requests => Volatile.Read(ref _next) + 1;

    /// <summary>Every record body of the requests answered 200.</summary>
    public IEnumerable<string> AcceptedBodies() => Accepted.SelectMany(Bodies);

    /// <summary>The record bodies request number <paramref name="request"/> carries.</summary>
    public IEnumerable<string> Bodies(int request) => Enumerable.Range(0, recordsPerRequest).Select(i => Body(request, i));

    public Task RunAsync(int clients, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() => SendUntilAsync(stop), CancellationToken.None)));

    /// <summary>Sends one more request; true when it was answered 200.</summary>
    public async Task<bool> SendOneAsync() => await SendAsync() == HttpStatusCode.OK;

    private async Task SendUntilAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await SendAsync() is HttpStatusCode.ServiceUnavailable or null)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private async Task<HttpStatusCode?> SendAsync()
    {
        int request = Interlocked.Increment(ref _next);
        byte[] body = Request(request).ToByteArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-protobuf");
        using var answer = await PostAsync(content);
        Interlocked.Add(ref _bytes, body.Length);
        if (answer is null)
        {
            return null;
        }

        if (answer.StatusCode == HttpStatusCode.OK)
        {
            lock (_accepted)
            {
                _accepted.Add(request);
            }
        }
        else if (answer.StatusCode == HttpStatusCode.ServiceUnavailable && answer.Headers.RetryAfter is not null)
        {
            Interlocked.Increment(ref _retryAfter);
        }
        else
        {
            Note($"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(CancellationToken.None)}");
        }

        return answer.StatusCode;
    }

    /// <summary>The answer, or null when there was none (noted among the other answers).</summary>
    private async Task<HttpResponseMessage?> PostAsync(HttpContent content)
    {
        var started = DateTime.UtcNow;
        try
        {
            return await _http.PostAsync(new Uri($"http://127.0.0.1:{port}/v1/logs"), content, CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref _unanswered);
            Note($"no answer after {(DateTime.UtcNow - started).TotalSeconds:F1}s: {ex.Message}");
            return null;
        }
    }

    private void Note(string why)
    {
        lock (_other)
        {
            _other.Add(why);
        }
    }

    private string Body(int request, int record) =>
        string.Create(CultureInfo.InvariantCulture, $"otlp request {request:D6} record {record:D4} {new string('o', recordPadding)}");

    private ExportLogsServiceRequest Request(int request)
    {
        var scope = new ScopeLogs();
        for (int i = 0; i < recordsPerRequest; i++)
        {
            scope.LogRecords.Add(new LogRecord { Body = new AnyValue { StringValue = Body(request, i) } });
        }

        var logs = new ResourceLogs
        {
            Resource = new() { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = "impatient" } } } },
        };
        logs.ScopeLogs.Add(scope);
        return new ExportLogsServiceRequest { ResourceLogs = { logs } };
    }
}
