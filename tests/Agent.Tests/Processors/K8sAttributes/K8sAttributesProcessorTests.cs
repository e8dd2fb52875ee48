using Agent.Core.Config;
using Agent.Core.Model;
using Agent.Processors.K8sAttributes;
using Agent.Receivers.PodLogs;
using Agent.Tests.Fakes;
using static Agent.Tests.Core.Model.TestBatches;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.Processors.K8sAttributes;

/// <summary>Enrichment through the real KubernetesClient against the API stand-in.</summary>
public class K8sAttributesProcessorTests
{
    private const string Uid = "0b7c8a52-3c9e-4d7e-9a3f-5f1b2c7d9e01";

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_pod_log_group_is_associated_by_the_uid_of_its_file_path_and_gets_the_default_metadata()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("replicasets", ReplicaSet("shop", "cart-7d9f", "rs-1", deployment: "cart"));
        cluster.Api.Put("pods", Pod("shop", "cart-7d9f-x2k", Uid, "10.1.0.7", owner: ("ReplicaSet", "cart-7d9f", "rs-1")));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);

        // What the filelog receiver puts on a pod log file's group: namespace, pod name, uid, container, restart count.
        var batch = new LogsBatch();
        batch.Raw.Add(new RawLogChunk(PodLogPath.ResourceFor($"/var/log/pods/shop_cart-7d9f-x2k_{Uid}/app/0.log", false, false)));
        await processor.ConsumeAsync(batch, CancellationToken.None);

        var resource = Assert.Single(sink.Received).Raw[0].Resource;
        Assert.Equal("cart", Attribute(resource, "k8s.deployment.name"));
        Assert.Equal("node-a", Attribute(resource, "k8s.node.name"));
        Assert.Equal("2026-11-30T08:15:00Z", Attribute(resource, "k8s.pod.start_time"));
        Assert.Equal(Uid, Attribute(resource, "k8s.pod.uid"));
        Assert.Equal(resource.Attributes.Count, resource.Attributes.Select(a => a.Key).Distinct().Count());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_optional_metadata_comes_from_owners_images_and_container_statuses()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("namespaces", Namespace("kube-system", "cluster-uid-1"));
        cluster.Api.Put("pods", Pod("batch", "report-28911520-abc", "uid-job", "10.1.0.8", owner: ("Job", "report-28911520", "job-1"), containerId: "c0ffee"));
        cluster.Api.Put("pods", Pod("db", "pg-0", "uid-sts", "10.1.0.9", owner: ("StatefulSet", "pg", "sts-1"), image: "postgres@sha256:abcd"));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(
            cluster.Options(o =>
            {
                o.WaitForMetadata = true;
                o.Extract.Metadata = [.. MetadataKeysUnderTest];
            }),
            sink);

        var job = await K8sTestCluster.EnrichAsync(processor, sink, ("container.id", "c0ffee"));
        var statefulSet = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.ip", "10.1.0.9"), ("k8s.container.name", "app"));

        Assert.Equal("report-28911520-abc", Attribute(job, "k8s.pod.name"));
        Assert.Equal("report-28911520", Attribute(job, "k8s.job.name"));
        Assert.Equal("report", Attribute(job, "k8s.cronjob.name"));
        Assert.Equal("registry.example:5000/team/app", Attribute(job, "container.image.name"));
        Assert.Equal("1.4.2", Attribute(job, "container.image.tag"));
        Assert.Equal("app", Attribute(job, "k8s.container.name"));
        Assert.Equal("cluster-uid-1", Attribute(job, "k8s.cluster.uid"));
        Assert.Equal("pg", Attribute(statefulSet, "k8s.statefulset.name"));
        Assert.Equal("postgres", Attribute(statefulSet, "container.image.name"));
        Assert.Null(Attribute(statefulSet, "k8s.job.name"));
        Assert.Null(Attribute(statefulSet, "container.id")); // no id in the pod's status: nothing invented
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task An_attribute_the_data_already_has_is_never_overwritten()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("pods", Pod("shop", "cart-1", Uid, "10.1.0.7"));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);

        var resource = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", Uid), ("k8s.node.name", "set-by-app"));

        Assert.Equal("set-by-app", Attribute(resource, "k8s.node.name"));
        Assert.Single(resource.Attributes, a => a.Key == "k8s.node.name");
        Assert.Equal("cart-1", Attribute(resource, "k8s.pod.name"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Label_rules_copy_keys_and_patterns_from_pods_namespaces_and_nodes()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("namespaces", Namespace("jupyter", "ns-uid", new Dictionary<string, string> { ["team"] = "data" }));
        cluster.Api.Put("nodes", Node("node-a", new Dictionary<string, string> { ["topology.kubernetes.io/zone"] = "eu-1a" }));
        cluster.Api.Put("pods", Pod("jupyter", "kernel-1", Uid, "10.1.0.7", labels: new Dictionary<string, string>
        {
            ["jupyterpool.datalayer.io/user-uid"] = "u-42",
            ["jupyterpool.datalayer.io/pool"] = "gpu",
            ["app"] = "kernel",
        }));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(
            cluster.Options(o =>
            {
                o.WaitForMetadata = true;
                o.Extract.Labels =
                [
                    new K8sFieldExtractOptions { Key = "jupyterpool.datalayer.io/user-uid", TagName = "datalayer.pool.user" },
                    new K8sFieldExtractOptions { KeyRegex = ConfigRegex.Create(@"^jupyterpool\.datalayer\.io/(pool)$"), TagName = "datalayer.$1" },
                    new K8sFieldExtractOptions { Key = "app" },
                    new K8sFieldExtractOptions { Key = "team", From = "namespace" },
                    new K8sFieldExtractOptions { Key = "topology.kubernetes.io/zone", From = "node", TagName = "zone" },
                ];
                o.Extract.Annotations = [new K8sFieldExtractOptions { Key = "example.com/team" }];
            }),
            sink);

        var resource = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", Uid));

        Assert.Equal("u-42", Attribute(resource, "datalayer.pool.user"));
        Assert.Equal("gpu", Attribute(resource, "datalayer.pool"));
        Assert.Equal("kernel", Attribute(resource, "k8s.pod.labels.app"));
        Assert.Equal("data", Attribute(resource, "k8s.namespace.labels.team"));
        Assert.Equal("eu-1a", Attribute(resource, "zone"));
        Assert.Equal("blue", Attribute(resource, "k8s.pod.annotations.example.com/team"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Odd_label_values_and_pods_without_owners_are_handled()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        string long63 = new('v', 63);
        cluster.Api.Put("pods", Pod("shop", "bare", Uid, "10.1.0.7", labels: new Dictionary<string, string>
        {
            ["empty"] = string.Empty,
            ["long"] = long63,
            ["utf8"] = "café-日本",
        }));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(
            cluster.Options(o =>
            {
                o.WaitForMetadata = true;
                o.Extract.Metadata = [.. o.Extract.Metadata, "k8s.replicaset.name"];
                o.Extract.Labels = [new K8sFieldExtractOptions { KeyRegex = ConfigRegex.Create(".*") }];
            }),
            sink);

        var resource = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", Uid));

        Assert.Equal(string.Empty, Attribute(resource, "k8s.pod.labels.empty"));
        Assert.Equal(long63, Attribute(resource, "k8s.pod.labels.long"));
        Assert.Equal("café-日本", Attribute(resource, "k8s.pod.labels.utf8"));
        Assert.Null(Attribute(resource, "k8s.deployment.name"));
        Assert.Null(Attribute(resource, "k8s.replicaset.name"));
        Assert.Equal("bare", Attribute(resource, "k8s.pod.name"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_pod_created_after_its_data_arrives_enriches_the_later_batches_and_the_early_one_is_counted()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(cluster.Options(o => o.WaitForMetadata = true), sink);

        var early = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", Uid));
        cluster.Api.Put("pods", Pod("shop", "late", Uid, "10.1.0.7"));
        var later = await Eventually.ReadUntilAsync(
            () => K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", Uid)),
            resource => Attribute(resource, "k8s.pod.name") is not null,
            "the pod's ADDED event reaching the cache");

        Assert.Null(Attribute(early, "k8s.pod.name"));
        Assert.Equal("late", Attribute(later, "k8s.pod.name"));
        Assert.True(cluster.Metric("agent_k8sattributes_unassociated_resources_total", ("processor", "k8sattributes/test")) >= 1);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Wait_for_metadata_fails_the_start_when_the_api_does_not_answer_in_time()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        await cluster.Api.StopAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.StartLogsProcessorAsync(
            cluster.Options(o =>
            {
                o.WaitForMetadata = true;
                o.WaitForMetadataTimeout = TimeSpan.FromMilliseconds(300);
            }),
            new RecordingConsumer<LogsBatch>()));

        Assert.Contains("wait_for_metadata_timeout", error.Message, StringComparison.Ordinal);
        Assert.True(cluster.Failures("pods", "unavailable") >= 1);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Association_rules_are_tried_in_the_configured_order()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("pods", Pod("shop", "by-ip", "uid-ip", "10.1.0.7"));
        cluster.Api.Put("pods", Pod("shop", "by-name", "uid-name", "10.1.0.8"));
        var sink = new RecordingConsumer<LogsBatch>();
        var processor = await cluster.StartLogsProcessorAsync(
            cluster.Options(o =>
            {
                o.WaitForMetadata = true;
                o.PodAssociation =
                [
                    new PodAssociationRuleOptions { Sources = [new() { From = "resource_attribute", Name = "k8s.pod.name" }, new() { From = "resource_attribute", Name = "k8s.namespace.name" }] },
                    new PodAssociationRuleOptions { Sources = [new() { From = "resource_attribute", Name = "k8s.pod.ip" }] },
                ];
            }),
            sink);

        var both = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.ip", "10.1.0.7"), ("k8s.pod.name", "by-name"), ("k8s.namespace.name", "shop"));
        var ipOnly = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.ip", "10.1.0.7"));
        var uidOnly = await K8sTestCluster.EnrichAsync(processor, sink, ("k8s.pod.uid", "uid-ip"));

        Assert.Equal("uid-name", Attribute(both, "k8s.pod.uid"));
        Assert.Equal("uid-ip", Attribute(ipOnly, "k8s.pod.uid"));
        Assert.Null(Attribute(uidOnly, "k8s.pod.name")); // uid is not among the configured rules
    }

    [Fact]
    public void Bad_options_name_the_key()
    {
        var options = new K8sAttributesProcessorOptions
        {
            AuthType = "token",
            PodAssociation = [new PodAssociationRuleOptions { Sources = [new() { From = "resource_attribute", Name = "k8s.pod.uid" }, new() { From = "connection" }] }],
        };
        options.Extract.Metadata.Add("k8s.pod.colour");
        options.Extract.Labels.Add(new K8sFieldExtractOptions { From = "cluster" });

        var problems = options.Validate().Concat(options.Extract.Validate()).Concat(options.Extract.Labels[0].Validate()).Select(p => p.Key).ToList();

        Assert.Equal(["auth_type", "pod_association[0]", "metadata[6]", "key", "from"], problems);
    }

    private static readonly string[] MetadataKeysUnderTest =
    [
        "k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.job.name", "k8s.cronjob.name", "k8s.statefulset.name",
        "k8s.container.name", "container.image.name", "container.image.tag", "container.id", "k8s.cluster.uid",
    ];
}
