using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agent.LoadHarness.Scrape;

/// <summary>
/// Many scrape targets in one in-process Kestrel: one loopback port per target, each answering <c>/metrics</c> with
/// a node_exporter-sized text exposition (gauges, counters, histograms and a summary). A few prepared variants of
/// the body, whose values differ, rotate so counters move between scrapes without the harness building text on
/// the hot path. Counts the scrapes it answered.
/// </summary>
internal sealed class ExpositionTargets : IAsyncDisposable
{
    private const int Variants = 4;

    private readonly WebApplication _app;
    private readonly byte[][] _bodies;
    private long _scrapes;

    private ExpositionTargets(WebApplication app, byte[][] bodies, IReadOnlyList<int> ports)
    {
        _app = app;
        _bodies = bodies;
        Ports = ports;
    }

    public IReadOnlyList<int> Ports { get; }

    /// <summary>Samples in one body (every sample line).</summary>
    public int SeriesPerTarget { get; private init; }

    public int BodyBytes => _bodies[0].Length;

    public long Scrapes => Interlocked.Read(ref _scrapes);

    public static async Task<ExpositionTargets> StartAsync(IReadOnlyList<int> ports, int series)
    {
        var bodies = new byte[Variants][];
        int samples = 0;
        for (int variant = 0; variant < Variants; variant++)
        {
            (string text, samples) = Body(series, variant);
            bodies[variant] = Encoding.UTF8.GetBytes(text);
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (int port in ports)
            {
                kestrel.Listen(IPAddress.Loopback, port);
            }
        });
        var app = builder.Build();
        var targets = new ExpositionTargets(app, bodies, ports) { SeriesPerTarget = samples };
        app.MapGet("/metrics", targets.ServeAsync);
        await app.StartAsync().ConfigureAwait(false);
        return targets;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private Task ServeAsync(HttpContext context)
    {
        long scrape = Interlocked.Increment(ref _scrapes);
        var body = _bodies[scrape % Variants];
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>
    /// About <paramref name="series"/> samples shaped like node_exporter's: per-CPU counters, per-device gauges and
    /// counters, request histograms and a Go GC summary, with HELP and TYPE for each family.
    /// </summary>
    private static (string Text, int Samples) Body(int series, int variant)
    {
        var text = new StringBuilder(series * 96);
        int samples = 0;
        double step = 1 + variant;
        void Family(string name, string type, string help) =>
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        void Sample(string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0)
            {
                text.Append('{').Append(labels).Append('}');
            }

            text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            samples++;
        }

        // A Go process's summary and a few histograms: ~300 samples.
        Family("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.");
        foreach (string quantile in new[] { "0", "0.25", "0.5", "0.75", "1" })
        {
            Sample("go_gc_duration_seconds", $"quantile=\"{quantile}\"", 0.0001 * step);
        }

        Sample("go_gc_duration_seconds_sum", string.Empty, 0.5 * step);
        Sample("go_gc_duration_seconds_count", string.Empty, 1000 * step);
        string[] bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"];
        for (int h = 0; h < 5; h++)
        {
            string name = $"node_request_duration_{h}_seconds";
            Family(name, "histogram", "Time spent answering requests, by handler.");
            for (int handler = 0; handler < 4; handler++)
            {
                for (int b = 0; b < bounds.Length; b++)
                {
                    Sample(name + "_bucket", $"handler=\"/api/v{handler}\",le=\"{bounds[b]}\"", (b + 1) * 10 * step);
                }

                Sample(name + "_sum", $"handler=\"/api/v{handler}\"", 17.5 * step);
                Sample(name + "_count", $"handler=\"/api/v{handler}\"", 120 * step);
            }
        }

        // The rest alternates per-CPU counters and per-device gauges until the size is reached.
        string[] modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
        for (int family = 0; samples < series; family++)
        {
            if (family % 2 == 0)
            {
                string name = $"node_cpu_{family}_seconds_total";
                Family(name, "counter", "Seconds the CPUs spent in each mode.");
                for (int cpu = 0; cpu < 2 && samples < series; cpu++)
                {
                    foreach (string mode in modes)
                    {
                        Sample(name, $"cpu=\"{cpu}\",mode=\"{mode}\"", 123456.78 * step + cpu);
                    }
                }
            }
            else
            {
                string name = $"node_filesystem_{family}_bytes";
                Family(name, "gauge", "Filesystem size in bytes.");
                for (int device = 0; device < 16 && samples < series; device++)
                {
                    Sample(name, $"device=\"/dev/sd{(char)('a' + device)}1\",fstype=\"ext4\",mountpoint=\"/mnt/disk{device}\"", 1.073741824e11 + (variant * 4096));
                }
            }
        }

        return (text.ToString(), samples);
    }
}
