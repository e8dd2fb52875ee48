using System.Diagnostics;
using Agent.Tests.Fakes;

namespace Agent.Tests.Support;

/// <summary>
/// A real node_exporter (Debian's <c>prometheus-node-exporter</c>, on PATH) on 127.0.0.1 with a free port, with
/// only the collectors the <c>hostmetrics</c> receiver has, and their filters set to upstream node_exporter 1.5's
/// defaults (Debian patches some of them: <c>lo</c> and <c>/run</c>, <c>/mnt</c>, <c>/media</c> excluded), which are
/// the receiver's defaults. Killed with its process tree on dispose.
/// </summary>
internal sealed class NodeExporterServer : IAsyncDisposable
{
    public const string Executable = "prometheus-node-exporter";

    private static readonly string[] Collectors = ["cpu", "meminfo", "diskstats", "filesystem", "netdev", "loadavg", "vmstat", "stat", "pressure"];

    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private NodeExporterServer(Process process, int port)
    {
        _process = process;
        MetricsUri = new Uri($"http://127.0.0.1:{port}/metrics");
    }

    public Uri MetricsUri { get; }

    public static async Task<NodeExporterServer> StartAsync(string upstreamMountPointsExclude, CancellationToken cancellationToken)
    {
        int port = FakeOtlpBackend.FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        start.ArgumentList.Add("--collector.disable-defaults");
        foreach (string collector in Collectors)
        {
            start.ArgumentList.Add($"--collector.{collector}");
        }

        start.ArgumentList.Add("--collector.netdev.device-exclude=");
        start.ArgumentList.Add($"--collector.filesystem.mount-points-exclude={upstreamMountPointsExclude}");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start");

        // Drained so a chatty exporter never blocks on a full pipe.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new NodeExporterServer(process, port);
        try
        {
            await server.WaitUntilServingAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>One scrape of /metrics, as Prometheus text.</summary>
    public Task<string> ScrapeAsync(CancellationToken cancellationToken) => _http.GetStringAsync(MetricsUri, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Executable} exited with code {_process.ExitCode} before serving /metrics");
            }

            try
            {
                using var response = await _http.GetAsync(MetricsUri, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
