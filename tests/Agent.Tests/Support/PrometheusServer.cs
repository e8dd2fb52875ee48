using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Agent.Tests.Support;

/// <summary>One series of an instant query: its labels (with <c>__name__</c>) and value.</summary>
internal sealed record PromSample(IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A real Prometheus (found on PATH) for a test: on 127.0.0.1 with a free port, the remote-write receiver on, a
/// throwaway TSDB directory and a config that scrapes nothing unless given scrape configs. <c>StartAsync</c> returns once
/// <c>/-/ready</c> answers 200; disposing kills the process tree and deletes the directory. Reads go through the
/// HTTP API (<c>/api/v1/query</c>, <c>/api/v1/series</c>) as a user's would.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;
    private readonly StringWriterSink _output;

    private PrometheusServer(Process process, string directory, Uri baseUri, StringWriterSink output)
    {
        _process = process;
        _directory = directory;
        _output = output;
        BaseUri = baseUri;
        _http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseUri { get; }

    /// <summary>The remote-write receiver's URL.</summary>
    public Uri WriteUri => new(BaseUri, "/api/v1/write");

    /// <summary>What Prometheus logged so far (for assertion messages).</summary>
    public string Log => _output.Text;

    public static Task<PrometheusServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(null, cancellationToken);

    /// <summary>
    /// The same with <paramref name="scrapeConfigs"/>: given Prometheus' own port, the entries of its
    /// <c>scrape_configs</c> as YAML list items (so it can scrape itself).
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(Func<int, string>? scrapeConfigs, CancellationToken cancellationToken = default)
    {
        string binary = FindOnPath("prometheus")
            ?? throw new InvalidOperationException("prometheus is not on PATH; ./test.sh installs Debian's prometheus package");
        string directory = Path.Combine(Path.GetTempPath(), "agent-prometheus", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        string config = Path.Combine(directory, "prometheus.yml");
        int port = FreePort();
        string scrapes = scrapeConfigs is null ? " []\n" : "\n" + scrapeConfigs(port);
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1h\n  evaluation_interval: 1h\nscrape_configs:" + scrapes, cancellationToken);

        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string argument in new[]
        {
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--web.enable-remote-write-receiver",
            "--log.level=warn",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringWriterSink();
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        process.OutputDataReceived += (_, e) => output.Append(e.Data);
        process.ErrorDataReceived += (_, e) => output.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"), output);
        try
        {
            await server.WaitReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The instant query's vector at <paramref name="time"/> (now when null).</summary>
    public async Task<IReadOnlyList<PromSample>> QueryAsync(string query, DateTimeOffset? time = null)
    {
        string url = $"/api/v1/query?query={Uri.EscapeDataString(query)}";
        if (time is { } at)
        {
            url += "&time=" + (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        }

        using var document = await GetAsync(url);
        var samples = new List<PromSample>();
        foreach (var result in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            string text = result.GetProperty("value")[1].GetString()!;
            samples.Add(new PromSample(Labels(result.GetProperty("metric")), ParseValue(text)));
        }

        return samples;
    }

    /// <summary>The label sets of the series matching <paramref name="match"/> over the last hour.</summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> SeriesAsync(string match)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var document = await GetAsync($"/api/v1/series?match[]={Uri.EscapeDataString(match)}&start={now - 3600}&end={now + 3600}");
        return document.RootElement.GetProperty("data").EnumerateArray().Select(Labels).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Already gone, or refusing to go: nothing more a test can do.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}: {Log}");
            }

            try
            {
                using var response = await _http.GetAsync("/-/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus was not ready within 45s: {Log}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task<JsonDocument> GetAsync(string url)
    {
        using var response = await _http.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static Dictionary<string, string> Labels(JsonElement metric) =>
        metric.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.GetString()!);

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    internal static int FreePort() => FreePorts.Next();

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>The process's output lines, kept for error messages.</summary>
    private sealed class StringWriterSink
    {
        private readonly System.Text.StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_text)
            {
                if (_text.Length < 64 * 1024)
                {
                    _text.AppendLine(line);
                }
            }
        }
    }
}
