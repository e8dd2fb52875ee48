using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
using Xunit.Abstractions;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.EndToEnd.FaultTable;

/// <summary>
/// The fault table's API-server row: pod logs through <c>k8sattributes</c> into Loki while the Kubernetes API stand-in
/// goes away and comes back. Lines keep flowing, enriched from the cache; a pod created meanwhile is enriched once
/// the watch has recovered; nothing is lost.
/// </summary>
public sealed class ApiServerGoneTests(ITestOutputHelper output)
{
    private const string WebUid = "0b8e5c2a-1111-2222-3333-444455556666";
    private const string ApiUid = "7c1d2e3f-4444-5555-6666-777788889999";

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Logs_keep_flowing_enriched_from_the_cache_while_the_api_server_is_gone_and_a_pod_added_meanwhile_is_enriched_after()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put("pods", Pod("shop", "web-7d9f", WebUid, labels: new Dictionary<string, string> { ["app"] = "web" }));
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        var web = node.Kubelet.StartContainer("shop", "web-7d9f", WebUid, "app", docker: false);
        await using var agent = await node.StartAgentAsync(loki, new PodLogsAgentOptions { KubernetesApi = api.BaseUri });
        var peak = new PeakRss(agent.Id);
        int port = node.TelemetryPort;
        await Eventually.ReadUntilAsync(node.PodsCachedAsync, cached => cached >= 1, "the agent to list the pod");

        int n = 0;
        void WriteWeb(int lines)
        {
            for (int end = n + lines; n < end; n++)
            {
                web.Write(LogStream.Stdout, $"web line {n:D5}");
            }
        }

        WriteWeb(100);
        await Eventually.UntilAsync(() => loki.Entries.Count >= 100, "the first lines in Loki");

        // The API server goes away; a pod is created meanwhile (etcd keeps it), and lines keep coming.
        await api.StopAsync();
        api.Put("pods", Pod("shop", "api-5b6c", ApiUid, labels: new Dictionary<string, string> { ["app"] = "api" }));
        await Eventually.ReadUntilAsync(
            () => AgentProcess.MetricSumAsync(port, "agent_k8s_watch_failures_total"), failures => failures >= 1, "the agent to notice the API is gone");
        WriteWeb(100);
        await Eventually.UntilAsync(() => loki.Entries.Count >= 200, "lines written while the API is gone in Loki");

        // Back: the watch recovers and sees the new pod, whose lines are then enriched too.
        await api.StartAgainAsync();
        await Eventually.ReadUntilAsync(node.PodsCachedAsync, cached => cached >= 2, "the watch to recover and cache the pod created meanwhile", seconds: 60);
        var newPod = node.Kubelet.StartContainer("shop", "api-5b6c", ApiUid, "app", docker: false);
        for (int i = 0; i < 50; i++)
        {
            newPod.Write(LogStream.Stdout, $"api line {i:D5}");
        }

        WriteWeb(100);
        var entries = await node.WaitForAllAsync(loki, [web, newPod], TimeSpan.FromSeconds(60));
        peak.Dispose();

        Assert.All(entries.Where(e => e.Labels.GetValueOrDefault("pod") == "web-7d9f"), e => Assert.Equal("web", e.Labels.GetValueOrDefault("app")));
        Assert.All(entries.Where(e => e.Labels.GetValueOrDefault("pod") == "api-5b6c"), e => Assert.Equal("api", e.Labels.GetValueOrDefault("app")));
        var written = node.Kubelet.Written.Select(w => w.Text).ToList();
        var row = FaultRow.Of("API server gone (k8sattributes), pod logs", written, written, entries.Select(e => e.Line).ToList(), await FaultRow.DroppedAsync(port), peak.Mib);
        row.WriteTo(output);
        output.WriteLine($"watch failures: {await AgentProcess.MetricSumAsync(port, "agent_k8s_watch_failures_total")}; groups not associated: {await AgentProcess.MetricSumAsync(port, "agent_k8sattributes_unassociated_resources_total")}");
        Assert.Equal(0, row.AcknowledgedLost);
    }
}
