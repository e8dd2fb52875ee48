using System.Net;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Snappier;

namespace Agent.Tests.Fakes;

/// <summary>One write request as the sink received it: headers, the snappy-decoded <c>WriteRequest</c> and the answer.</summary>
public sealed record FakeWrite(
    string? ContentType,
    string? ContentEncoding,
    string? Version,
    string? UserAgent,
    string? Authorization,
    WriteRequest Request,
    int Status);

/// <summary>
/// An in-process remote-write sink (<c>POST /api/v1/write</c>) on 127.0.0.1 with a free port: decodes each body as
/// remote-write 1.0 does (snappy block format, then protobuf) and records it. It can answer planned statuses (with a
/// body and Retry-After) for the next requests, as a receiver would refuse or shed load.
/// </summary>
public sealed class FakeRemoteWrite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly List<FakeWrite> _writes = [];
    private readonly Queue<(int Status, string Body, string? RetryAfter)> _planned = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeRemoteWrite(WebApplication app)
    {
        _app = app;
    }

    public Uri WriteUri { get; private set; } = null!;

    public IReadOnlyList<FakeWrite> Writes
    {
        get
        {
            lock (_lock)
            {
                return [.. _writes];
            }
        }
    }

    /// <summary>The series of every accepted request, in arrival order.</summary>
    public IReadOnlyList<TimeSeries> Series => Writes.Where(w => w.Status == 204).SelectMany(w => w.Request.Timeseries).ToList();

    public static async Task<FakeRemoteWrite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeRemoteWrite(app);
        app.MapPost("/api/v1/write", fake.HandleAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.WriteUri = new Uri(new Uri(address), "/api/v1/write");
        return fake;
    }

    /// <summary>The next <paramref name="count"/> requests get <paramref name="status"/> and are not stored.</summary>
    public void FailNext(int count, int status, string body = "refused", string? retryAfter = null)
    {
        lock (_lock)
        {
            for (int i = 0; i < count; i++)
            {
                _planned.Enqueue((status, body, retryAfter));
            }
        }
    }

    /// <summary>Forgets the failures still planned by <see cref="FailNext"/>: the next request is stored.</summary>
    public void StopFailing()
    {
        lock (_lock)
        {
            _planned.Clear();
        }
    }

    /// <summary>Waits until the sink has seen at least <paramref name="count"/> requests.</summary>
    public async Task WaitForWritesAsync(int count)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_writes.Count >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = WriteRequest.Parser.ParseFrom(Snappy.DecompressToArray(body.ToArray()));
        (int Status, string Body, string? RetryAfter) answer = (204, string.Empty, null);
        lock (_lock)
        {
            if (_planned.Count > 0)
            {
                answer = _planned.Dequeue();
            }
        }

        var headers = context.Request.Headers;
        var write = new FakeWrite(
            context.Request.ContentType,
            headers.ContentEncoding.FirstOrDefault(),
            headers["X-Prometheus-Remote-Write-Version"].FirstOrDefault(),
            headers.UserAgent.FirstOrDefault(),
            headers.Authorization.FirstOrDefault(),
            request,
            answer.Status);
        TaskCompletionSource changed;
        lock (_lock)
        {
            _writes.Add(write);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = answer.RetryAfter;
        }

        if (answer.Body.Length > 0)
        {
            await context.Response.WriteAsync(answer.Body);
        }
    }
}
