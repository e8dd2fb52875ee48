using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Tests.Receivers.Prometheus;

/// <summary>One scrape request as the fixture saw it.</summary>
internal sealed record ScrapeRequest(string Path, string? Accept, string? AcceptEncoding, string? Authorization, string? Served);

/// <summary>
/// An in-process target on 127.0.0.1 with a free port, serving kube-state-metrics-shaped output the way an exporter
/// does: <c>/metrics</c> answers OpenMetrics when the Accept header asks for it and the text format otherwise,
/// <c>/text-only</c> answers text whatever is asked (an exporter that knows no OpenMetrics), both gzipped when the
/// client accepts gzip. <c>/slow</c> never answers, <c>/big</c> streams more than a few megabytes, <c>/bomb</c>
/// answers a small gzip body that inflates to 64 MiB of valid lines, <c>/garbage</c> answers something that is no
/// exposition. Every request is recorded.
/// </summary>
internal sealed class ScrapeFixtureServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScrapeRequest> _requests = new();
    private int _abortedSlow;

    private ScrapeFixtureServer(WebApplication app)
    {
        _app = app;
    }

    /// <summary>host:port, as a static_configs target.</summary>
    public string Address { get; private set; } = string.Empty;

    public IReadOnlyList<ScrapeRequest> Requests => [.. _requests];

    /// <summary>How many requests to <c>/slow</c> the client gave up on.</summary>
    public int AbortedSlow => Volatile.Read(ref _abortedSlow);

    /// <summary>Makes <c>/metrics</c> hang as <c>/slow</c> does: a target that stopped answering.</summary>
    public bool Hang { get; set; }

    /// <summary>The pods whose series <c>/metrics</c> serves; a test may change it between scrapes.</summary>
    public string[] Pods { get; set; } = ["web-0", "web-1"];

    public static async Task<ScrapeFixtureServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScrapeFixtureServer(app);
        app.MapGet("/metrics", context => server.ServeAsync(context, negotiate: true));
        app.MapGet("/text-only", context => server.ServeAsync(context, negotiate: false));
        app.MapGet("/slow", server.HangAsync);
        app.MapGet("/big", server.StreamBigAsync);
        app.MapGet("/bomb", server.ServeBombAsync);
        app.MapGet("/garbage", context =>
        {
            server.Record(context);
            return WriteAsync(context, "text/plain; version=0.0.4", "this is { not an exposition\n");
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.Address = $"127.0.0.1:{address.Port}";
        return server;
    }

    /// <summary>kube-state-metrics' shape for <paramref name="pods"/>: phases, restarts and a deployment.</summary>
    public static string KubeStateMetrics(bool openMetrics, IEnumerable<string> pods)
    {
        var text = new StringBuilder();
        text.Append("# HELP kube_pod_status_phase The pods current phase.\n# TYPE kube_pod_status_phase gauge\n");
        foreach (string pod in pods)
        {
            foreach (string phase in new[] { "Pending", "Succeeded", "Failed", "Unknown", "Running" })
            {
                text.Append($"kube_pod_status_phase{{namespace=\"shop\",pod=\"{pod}\",uid=\"uid-{pod}\",phase=\"{phase}\"}} {(phase == "Running" ? 1 : 0)}\n");
            }
        }

        text.Append(openMetrics
            ? "# HELP kube_pod_container_status_restarts The number of container restarts per container.\n# TYPE kube_pod_container_status_restarts counter\n"
            : "# HELP kube_pod_container_status_restarts_total The number of container restarts per container.\n# TYPE kube_pod_container_status_restarts_total counter\n");
        foreach (string pod in pods)
        {
            text.Append($"kube_pod_container_status_restarts_total{{namespace=\"shop\",pod=\"{pod}\",uid=\"uid-{pod}\",container=\"app\"}} 3\n");
        }

        text.Append("# HELP kube_deployment_status_replicas_available The number of available replicas per deployment.\n");
        text.Append("# TYPE kube_deployment_status_replicas_available gauge\n");
        text.Append("kube_deployment_status_replicas_available{namespace=\"shop\",deployment=\"web\"} 2\n");
        if (openMetrics)
        {
            text.Append("# EOF\n");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task ServeAsync(HttpContext context, bool negotiate)
    {
        if (Hang)
        {
            return HangAsync(context);
        }

        bool openMetrics = negotiate && context.Request.Headers.Accept.ToString().Contains("application/openmetrics-text", StringComparison.Ordinal);
        string contentType = openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8";
        Record(context, contentType);
        return WriteAsync(context, contentType, KubeStateMetrics(openMetrics, Pods));
    }

    private static async Task WriteAsync(HttpContext context, string contentType, string body)
    {
        context.Response.ContentType = contentType;
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        if (context.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal))
        {
            context.Response.Headers.ContentEncoding = "gzip";
            using var compressed = new MemoryStream();
            await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                await gzip.WriteAsync(bytes);
            }

            bytes = compressed.ToArray();
        }

        await context.Response.Body.WriteAsync(bytes);
    }

    private async Task HangAsync(HttpContext context)
    {
        Record(context);
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _abortedSlow);
        }
    }

    /// <summary>Valid lines, 64 KiB at a time, up to 8 MiB: a target far over any small body_size_limit.</summary>
    private async Task StreamBigAsync(HttpContext context)
    {
        Record(context);
        context.Response.ContentType = "text/plain; version=0.0.4";
        var chunk = new StringBuilder();
        for (int i = 0; chunk.Length < 64 * 1024; i++)
        {
            chunk.Append($"big_series{{i=\"{i}\"}} 1\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(chunk.ToString());
        try
        {
            for (int written = 0; written < 8 * 1024 * 1024; written += bytes.Length)
            {
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The scraper stopped reading at its limit.
        }
    }

    /// <summary>64 MiB of one valid line, gzipped: a body that is small on the wire and huge once inflated.</summary>
    public static Lazy<byte[]> Bomb { get; } = new(() =>
    {
        byte[] line = "bomb_series 1\n"u8.ToArray();
        byte[] block = new byte[line.Length * 4096];
        for (int i = 0; i < block.Length; i += line.Length)
        {
            line.CopyTo(block, i);
        }

        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            for (long written = 0; written < 64L * 1024 * 1024; written += block.Length)
            {
                gzip.Write(block);
            }
        }

        return compressed.ToArray();
    });

    private async Task ServeBombAsync(HttpContext context)
    {
        Record(context);
        context.Response.ContentType = "text/plain; version=0.0.4";
        context.Response.Headers.ContentEncoding = "gzip";
        try
        {
            await context.Response.Body.WriteAsync(Bomb.Value, context.RequestAborted);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The scraper stopped inflating at its limit and went away.
        }
    }

    private void Record(HttpContext context, string? served = null) => _requests.Enqueue(new ScrapeRequest(
        context.Request.Path,
        context.Request.Headers.Accept.ToString(),
        context.Request.Headers.AcceptEncoding.ToString(),
        context.Request.Headers.Authorization.FirstOrDefault(),
        served));
}
