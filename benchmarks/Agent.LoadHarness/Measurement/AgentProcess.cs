using System.Diagnostics;
using System.Globalization;

namespace Agent.LoadHarness.Measurement;

/// <summary>
/// The published <c>agent</c> binary running as a child process (optionally under <c>taskset</c>), with its output
/// kept in a log file next to its configuration.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _logPath;
    private readonly string _readyPath;

    private AgentProcess(Process process, StreamWriter log, string logPath, string readyPath)
    {
        _process = process;
        _log = log;
        _logPath = logPath;
        _readyPath = readyPath;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the binary on its configuration (<c>agent run --config FILE</c>); with <paramref name="cpu"/>, pinned to that CPU with taskset.</summary>
    public static AgentProcess Start(AgentBinary binary, string configPath, string dataDirectory, int? cpu)
    {
        string[] agentArgs = binary.Arguments(configPath, dataDirectory);
        var start = cpu is int core
            ? new ProcessStartInfo("taskset", ["-c", core.ToString(CultureInfo.InvariantCulture), binary.Path, .. agentArgs])
            : new ProcessStartInfo(binary.Path, agentArgs);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        string logPath = Path.Combine(Path.GetDirectoryName(configPath)!, "agent.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);

        // taskset execs the agent in place, so the pid we measure is the agent's own.
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AgentProcess(process, log, logPath, binary.ReadyPath);
    }

    /// <summary>Polls the agent's readiness path until it answers 200; fails with the agent's output if it exits first.</summary>
    public async Task WaitReadyAsync(int telemetryPort, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new HarnessException($"the agent exited with code {_process.ExitCode} before it was ready:\n{LogTail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{telemetryPort}{_readyPath}")).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Too slow to answer: try again.
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new HarnessException($"the agent was not ready after {timeout.TotalSeconds:0} s:\n{LogTail()}");
    }

    /// <summary>The last lines the agent wrote, to explain a failure.</summary>
    public string LogTail(int lines = 20)
    {
        using var file = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(file);
        return string.Join('\n', reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
    }

    /// <summary>SIGTERM, as a DaemonSet would stop it, then SIGKILL if it does not drain in time.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
