using Agent.Core.Model;
using Agent.Kubernetes;
using Agent.Processors.K8sAttributes;
using static Agent.Tests.Core.Model.TestBatches;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.Processors.K8sAttributes;

/// <summary>The shared cache's list-and-watch against the API stand-in: restarts, 410, bookmarks, deletions, bad events, size.</summary>
public class KubernetesMetadataCacheTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Agent_mode_watches_only_the_pods_of_its_node_named_by_an_environment_variable()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        string variable = "K8S_NODE_NAME_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "node-b");
        cluster.Api.Put("pods", Pod("shop", "here", "uid-here", "10.1.0.7", node: "node-b"));
        cluster.Api.Put("pods", Pod("shop", "elsewhere", "uid-elsewhere", "10.1.0.8", node: "node-c"));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(cluster.Options(o =>
        {
            o.WaitForMetadata = true;
            o.Filter.NodeFromEnvVar = variable;
        }), sink);
        cluster.Api.Put("pods", Pod("shop", "later-elsewhere", "uid-later", "10.1.0.9", node: "node-c"));
        cluster.Api.Put("pods", Pod("shop", "later-here", "uid-later-here", "10.1.0.10", node: "node-b"));
        await Eventually.ReadUntilAsync(
            () => K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-later-here")),
            resource => Attribute(resource, "k8s.pod.name") is not null,
            "the later pod of this node");

        Assert.Equal("here", Attribute(await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-here")), "k8s.pod.name"));
        Assert.Null(Attribute(await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-elsewhere")), "k8s.pod.name"));
        Assert.Null(Attribute(await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-later")), "k8s.pod.name"));
        Assert.All(cluster.Api.PodFieldSelectors, selector => Assert.Equal("spec.nodeName=node-b", selector));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_deleted_pod_keeps_enriching_its_late_logs_for_the_grace_period_then_is_forgotten()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("pods", Pod("shop", "leaving", "uid-leaving", "10.1.0.7"));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(cluster.Options(o =>
        {
            o.WaitForMetadata = true;
            o.PodDeletionGrace = TimeSpan.FromSeconds(2);
        }), sink);
        var cache = Assert.Single(CachesOf(cluster));

        cluster.Api.Delete("pods", "shop", "leaving");
        await Eventually.UntilAsync(() => cache.DeletedPodCount == 1, "the DELETED event");
        var late = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-leaving"));
        await Eventually.UntilAsync(() => cache.PodByUid("uid-leaving") is null, "the grace period to end");
        var afterGrace = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-leaving"));

        Assert.Equal("leaving", Attribute(late, "k8s.pod.name"));
        Assert.Null(Attribute(afterGrace, "k8s.pod.name"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_api_restarted_mid_watch_is_reconnected_and_the_cache_serves_meanwhile()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("pods", Pod("shop", "before", "uid-before", "10.1.0.7"));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);
        await Eventually.UntilAsync(() => cluster.Api.OpenWatches("pods") == 1, "the pod watch to open");

        await cluster.Api.StopAsync();
        await Eventually.UntilAsync(() => cluster.Failures("pods", "unavailable") >= 1, "the cut watch to be noticed");
        var duringOutage = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-before"));
        cluster.Api.Put("pods", Pod("shop", "after", "uid-after", "10.1.0.8"));
        await cluster.Api.StartAgainAsync();

        var after = await Eventually.ReadUntilAsync(
            () => K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-after")),
            resource => Attribute(resource, "k8s.pod.name") is not null,
            "the pod made during the outage");
        Assert.Equal("before", Attribute(duringOutage, "k8s.pod.name"));
        Assert.Equal("after", Attribute(after, "k8s.pod.name"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_410_gone_relists_and_pods_deleted_meanwhile_are_marked_deleted()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("pods", Pod("shop", "kept", "uid-kept", "10.1.0.7"));
        cluster.Api.Put("pods", Pod("shop", "gone", "uid-gone", "10.1.0.8"));
        var sink = new RecordingConsumer<LogsBatch>();
        await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);
        var cache = Assert.Single(CachesOf(cluster));
        await Eventually.UntilAsync(() => cluster.Api.OpenWatches("pods") == 1, "the pod watch to open");

        // The deletion and the compaction happen while the watch is cut, so its event is lost: only the relist tells.
        await cluster.Api.StopAsync();
        cluster.Api.Delete("pods", "shop", "gone");
        cluster.Api.Put("pods", Pod("shop", "new", "uid-new", "10.1.0.9"));
        cluster.Api.Compact();
        await cluster.Api.StartAgainAsync();

        await Eventually.UntilAsync(() => cache.PodByUid("uid-new") is not null, "the relist");
        Assert.True(cluster.Failures("pods", "gone") >= 1);
        Assert.True(cluster.Api.ListCount("pods") >= 2);
        Assert.Equal(1, cache.DeletedPodCount);
        Assert.NotNull(cache.PodByUid("uid-kept"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_compaction_under_an_open_watch_sends_410_and_the_cache_relists()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        var sink = new RecordingConsumer<LogsBatch>();
        await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);
        var cache = Assert.Single(CachesOf(cluster));
        await Eventually.UntilAsync(() => cluster.Api.OpenWatches("pods") == 1, "the pod watch to open");

        cluster.Api.Compact();
        await Eventually.UntilAsync(() => cluster.Api.ListCount("pods") >= 2, "the relist after 410");
        cluster.Api.Put("pods", Pod("shop", "after-relist", "uid-after", "10.1.0.9"));

        await Eventually.UntilAsync(() => cache.PodByUid("uid-after") is not null, "the watch reopened after the relist");
        Assert.True(cluster.Failures("pods", "gone") >= 1);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Bookmarks_move_the_watch_on_and_unknown_event_types_are_skipped_and_counted()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        var sink = new RecordingConsumer<LogsBatch>();
        await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);
        var cache = Assert.Single(CachesOf(cluster));
        await Eventually.UntilAsync(() => cluster.Api.OpenWatches("pods") == 1, "the pod watch to open");

        cluster.Api.Bookmark("pods");
        cluster.Api.SendRaw("pods", """{"type":"RESIZED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"x","namespace":"shop","uid":"uid-x"}}}""");
        cluster.Api.SendRaw("pods", "not json");
        cluster.Api.Put("pods", Pod("shop", "after-noise", "uid-after", "10.1.0.9"));

        await Eventually.UntilAsync(() => cache.PodByUid("uid-after") is not null, "the event after the noise");
        Assert.Null(cache.PodByUid("uid-x"));
        Assert.Equal(2, cluster.Failures("pods", "malformed_event"));
        Assert.Equal(1, cluster.Metric("agent_k8s_watch_events_total", ("resource", "pods"), ("type", "bookmark")));
        Assert.Equal(1, cluster.Api.WatchCount("pods")); // the same stream carried on
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_thousand_pods_are_listed_and_each_is_found()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.PutAll("pods", Enumerable.Range(0, 1000).Select(i => Pod($"ns-{i % 20}", $"pod-{i}", $"uid-{i}", $"10.2.{i / 250}.{i % 250}")));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);
        var cache = Assert.Single(CachesOf(cluster));

        Assert.Equal(1000, cache.Pods.Count());
        Assert.Equal(1000, cluster.Metric("agent_k8s_cached_objects", ("resource", "pods")));
        for (int i = 0; i < 1000; i += 97)
        {
            var resource = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.ip", $"10.2.{i / 250}.{i % 250}"));
            Assert.Equal($"pod-{i}", Attribute(resource, "k8s.pod.name"));
            Assert.Equal($"ns-{i % 20}", Attribute(resource, "k8s.namespace.name"));
        }
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Pipelines_with_equal_settings_share_one_cache_that_stops_with_the_last()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        var first = await cluster.StartLogsProcessorAsync(cluster.Options(), new RecordingConsumer<LogsBatch>(), "a");
        var second = await cluster.StartLogsProcessorAsync(cluster.Options(), new RecordingConsumer<LogsBatch>(), "b");
        var other = await cluster.StartLogsProcessorAsync(cluster.Options(o => o.Filter.Namespace = "shop"), new RecordingConsumer<LogsBatch>(), "c");

        Assert.Equal(2, cluster.Caches.Count);
        await first.ShutdownAsync(CancellationToken.None);
        Assert.Equal(2, cluster.Caches.Count);
        await second.ShutdownAsync(CancellationToken.None);
        await other.ShutdownAsync(CancellationToken.None);
        Assert.Equal(0, cluster.Caches.Count);
        await Eventually.UntilAsync(() => cluster.Api.OpenWatches("pods") == 0, "the watches to close");
    }

    private static IReadOnlyList<KubernetesMetadataCache> CachesOf(K8sTestCluster cluster) => cluster.Caches.Running;
}
