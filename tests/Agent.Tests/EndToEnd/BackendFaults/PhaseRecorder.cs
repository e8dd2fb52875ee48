using System.Globalization;
using System.Text.RegularExpressions;

namespace Agent.Tests.EndToEnd.BackendFaults;

/// <summary>One phase as the agent lived it: its RSS peak and the items its exporters dropped, by reason.</summary>
internal sealed record PhaseObservation(string Phase, long RssPeakMib, IReadOnlyDictionary<string, double> Dropped);

/// <summary>
/// Marks the phases of a run on the ledger (so items are counted in the phase they were sent in) and records, per
/// phase, the agent's RSS peak and the drops its exporters counted (<c>otelcol_exporter_send_failed_*</c> and
/// <c>otelcol_exporter_enqueue_failed_*</c>, by reason) from the phase's start to the next one's.
/// </summary>
internal sealed partial class PhaseRecorder(AgentProcess agent, int telemetryPort, FaultLedger ledger) : IDisposable
{
    private readonly List<PhaseObservation> _done = [];
    private (string Name, IReadOnlyDictionary<string, double> Before, PeakRss Peak)? _current;

    public IReadOnlyList<PhaseObservation> Observations => _done;

    public async Task BeginAsync(string phase)
    {
        await EndAsync();
        _current = (phase, await ReadDropsAsync(), new PeakRss(agent.Id));
        ledger.Phase = phase;
    }

    public async Task EndAsync()
    {
        if (_current is not { } current)
        {
            return;
        }

        var after = await ReadDropsAsync();
        current.Peak.Dispose();
        var dropped = after.Select(d => (d.Key, Value: d.Value - current.Before.GetValueOrDefault(d.Key))).Where(d => d.Value > 0).ToDictionary(d => d.Key, d => d.Value);
        _done.Add(new PhaseObservation(current.Name, current.Peak.Mib, dropped));
        _current = null;
    }

    /// <summary>The sum of every sample named <paramref name="name"/>, as the agent reports it now.</summary>
    public async Task<double> ReadAsync(string name) => (await SamplesAsync()).Where(s => s.Name == name).Sum(s => s.Value);

    public void Dispose() => _current?.Peak.Dispose();

    /// <summary>Dropped items so far, by "metric reason".</summary>
    private async Task<IReadOnlyDictionary<string, double>> ReadDropsAsync()
    {
        return (await SamplesAsync())
            .Where(s => s.Name.StartsWith("otelcol_exporter_send_failed_", StringComparison.Ordinal) || s.Name.StartsWith("otelcol_exporter_enqueue_failed_", StringComparison.Ordinal))
            .GroupBy(s => string.Create(CultureInfo.InvariantCulture, $"{(s.Name.Contains("enqueue", StringComparison.Ordinal) ? "enqueue" : "send")} {Reason().Match(s.Labels).Groups[1].Value}"))
            .ToDictionary(g => g.Key.TrimEnd(), g => g.Sum(s => s.Value));
    }

    private async Task<List<PrometheusSample>> SamplesAsync() =>
        PrometheusText.Parse(await Eventually.ReadUntilAsync(ReadMetricsAsync, text => text is not null, "the agent's /metrics") ?? string.Empty).Samples;

    /// <summary>The agent's /metrics text, or null when this attempt got no answer in time (a busy machine): the caller asks again.</summary>
    private async Task<string?> ReadMetricsAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return await http.GetStringAsync(new Uri($"http://127.0.0.1:{telemetryPort}/metrics"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    [GeneratedRegex("reason=\"([^\"]*)\"")]
    private static partial Regex Reason();
}
