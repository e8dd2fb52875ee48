using Agent.Core.Model;
using Agent.Tests.Fakes;
using Agent.Tests.Receivers.PodLogs;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.EndToEnd;

/// <summary>
/// <c>k8sattributes</c> with <c>auth_type: kubeConfig</c>, run as the agent binary: the kubeconfig's server and token
/// reach the API stand-in and the pod's lines arrive in Loki with its label. (The client library's own kubeconfig
/// reader fails in a Native AOT binary; this holds the agent's reader to the real file format.)
/// </summary>
public sealed class KubeConfigEndToEndTests
{
    private const string Uid = "3f2a1b0c-aaaa-bbbb-cccc-ddddeeeeffff";

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task A_kubeconfig_with_a_token_reaches_the_api_and_the_pods_lines_are_enriched()
    {
        await using var api = await FakeKubernetesApi.StartAsync();
        api.Put("pods", Pod("shop", "web-1", Uid, labels: new Dictionary<string, string> { ["app"] = "web" }));
        using var node = new PodLogsToLokiSetup();
        await using var loki = await FakeLoki.StartAsync();
        string kubeconfig = node.WriteFile("kubeconfig", $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {api.BaseUri}
            users:
            - name: agent
              user:
                token: token-from-the-kubeconfig
            contexts:
            - name: test
              context:
                cluster: test
                user: agent
                namespace: shop
            current-context: test
            """);
        var web = node.Kubelet.StartContainer("shop", "web-1", Uid, "app", docker: false);
        await using var agent = await node.StartAgentAsync(loki, new PodLogsAgentOptions { KubeConfig = kubeconfig });
        await Eventually.ReadUntilAsync(node.PodsCachedAsync, cached => cached >= 1, "the agent to list the pod through the kubeconfig");

        for (int i = 0; i < 20; i++)
        {
            web.Write(LogStream.Stdout, $"web line {i:D3}");
        }

        var entries = await node.WaitForAllAsync(loki, [web], TimeSpan.FromSeconds(60));
        Assert.Equal(20, entries.Count(e => e.Line.StartsWith("web line ", StringComparison.Ordinal)));
        Assert.All(entries, e => Assert.Equal("web", e.Labels.GetValueOrDefault("app")));
        Assert.Equal(["Bearer token-from-the-kubeconfig"], api.Authorizations);
    }
}
