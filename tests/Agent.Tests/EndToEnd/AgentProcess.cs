using System.Diagnostics;
using System.Text;

namespace Agent.Tests.EndToEnd;

/// <summary>The built `agent` binary run as a child process, with its output captured.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="arguments">The agent's command line.</param>
    /// <param name="environment">Variables added to the test's environment.</param>
    /// <param name="hangupIgnored">Start it through <c>nohup</c>, which leaves SIGHUP ignored across exec.</param>
    public static AgentProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, bool hangupIgnored = false)
    {
        // AGENT_TEST_BINARY runs the end-to-end tests against a published binary (a Native AOT one) instead of the build.
        string? published = System.Environment.GetEnvironmentVariable("AGENT_TEST_BINARY");
        var command = published is { Length: > 0 } ? new[] { published } : ["dotnet", Path.Combine(AppContext.BaseDirectory, "agent.dll")];
        var start = new ProcessStartInfo(hangupIgnored ? "nohup" : command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (string part in hangupIgnored ? command : command[1..])
        {
            start.ArgumentList.Add(part);
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new AgentProcess(Process.Start(start)!);
    }

    /// <summary>Starts `agent` and waits until its /readyz answers on <paramref name="telemetryPort"/>; kills it if it does not.</summary>
    public static async Task<AgentProcess> StartReadyAsync(IEnumerable<string> arguments, IDictionary<string, string> environment, int telemetryPort)
    {
        var agent = Start(arguments, environment);
        try
        {
            await agent.WaitUntilReadyAsync(telemetryPort, TimeSpan.FromSeconds(30));
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command to completion and returns its exit code and everything it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        RunAsync(new Dictionary<string, string>(), arguments);

    public static async Task<(int ExitCode, string Output)> RunAsync(IDictionary<string, string> environment, params string[] arguments)
    {
        await using var agent = Start(arguments, environment);
        int code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, agent.Output);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        _process.WaitForExit(); // flushes the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>Waits until the agent's /readyz answers 200 on <paramref name="telemetryPort"/>.</summary>
    public async Task WaitUntilReadyAsync(int telemetryPort, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(_process.HasExited, $"the agent exited early: {Output}");
            try
            {
                var response = await http.GetAsync(new Uri($"http://127.0.0.1:{telemetryPort}/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer within the attempt's timeout: ask again.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the agent was not ready within {timeout}: {Output}");
    }

    /// <summary>
    /// The sum of every sample named <paramref name="name"/> on the agent's own /metrics at
    /// <paramref name="telemetryPort"/>; 0 while nothing listens there yet.
    /// </summary>
    public static async Task<double> MetricSumAsync(int telemetryPort, string name) =>
        (await MetricSamplesAsync(telemetryPort, sample => sample == name)).Sum(s => s.Value);

    /// <summary>The samples on the agent's own /metrics whose name <paramref name="named"/> accepts; none while it does not answer.</summary>
    public static async Task<IReadOnlyList<PrometheusSample>> MetricSamplesAsync(int telemetryPort, Func<string, bool> named)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            string text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{telemetryPort}/metrics"));
            return PrometheusText.Parse(text).Samples.Where(s => named(s.Name)).ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // Not listening (yet, or any more), or too busy to answer in time: the callers read again.
            return [];
        }
    }

    /// <summary>Sends SIGTERM, as the kubelet does when a pod stops.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends a signal by name (HUP, USR1, ...), as <c>kill -NAME</c> does.</summary>
    public void Signal(string name) => Process.Start("kill", [$"-{name}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
