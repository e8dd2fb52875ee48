using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Processors.ServiceMapping;
using Agent.Tests.Core.Model;
using OpenTelemetry.Proto.Common.V1;
using static Agent.Tests.Core.Model.TestBatches;
using OtlpResource = OpenTelemetry.Proto.Resource.V1.Resource;

namespace Agent.Tests.Processors.ServiceMapping;

public class ServiceMappingProcessorTests
{
    private const string Uid = "0b1f6c1e-7d6a-4c8e-9a55-2a7d3f1c9e01";

    [Fact]
    public void A_pod_resource_gets_the_service_identity_and_every_normalised_label()
    {
        var resource = Pod(("k8s.pod.labels.app.kubernetes.io/name", "checkout"), ("k8s.pod.labels.app", "legacy"), ("k8s.node.name", "node-1"));

        Assert.True(Rules(new() { Cluster = "prod-eu" }).TryApply(resource));

        Assert.Equal("shop", Attribute(resource, "service.namespace"));
        Assert.Equal("checkout", Attribute(resource, "service.name"));
        Assert.Equal($"{Uid}/server", Attribute(resource, "service.instance.id"));
        Assert.Equal("shop", Attribute(resource, "namespace"));
        Assert.Equal("checkout-7d9f", Attribute(resource, "pod"));
        Assert.Equal("server", Attribute(resource, "container"));
        Assert.Equal("checkout", Attribute(resource, "app"));
        Assert.Equal("prod-eu", Attribute(resource, "cluster"));
        Assert.Equal("node-1", Attribute(resource, "node"));
        Assert.Equal("shop/checkout", Attribute(resource, "job"));
        Assert.Equal($"{Uid}/server", Attribute(resource, "instance"));
    }

    [Theory]
    [InlineData(new[] { "k8s.pod.labels.app", "legacy" }, "legacy")]
    [InlineData(new string[0], "server")]
    public void Service_name_falls_back_to_the_app_label_then_the_container(string[] label, string expected)
    {
        var resource = label.Length == 0 ? Pod() : Pod((label[0], label[1]));

        Rules(new()).Apply(resource);

        Assert.Equal(expected, Attribute(resource, "service.name"));
        Assert.Equal($"shop/{expected}", Attribute(resource, "job"));
    }

    [Fact]
    public void What_the_application_set_is_never_overwritten_but_the_sdk_fallback_name_is()
    {
        var set = Pod(("service.name", "payments"), ("service.namespace", "team-a"), ("service.instance.id", "i-1"), ("k8s.pod.labels.app", "x"));
        var fallback = Pod(("service.name", "unknown_service:dotnet"), ("k8s.pod.labels.app", "x"));

        var rules = Rules(new());
        rules.Apply(set);
        rules.Apply(fallback);

        Assert.Equal("payments", Attribute(set, "service.name"));
        Assert.Equal("team-a", Attribute(set, "service.namespace"));
        Assert.Equal("i-1", Attribute(set, "service.instance.id"));
        Assert.Equal("team-a/payments", Attribute(set, "job"));
        Assert.Equal("i-1", Attribute(set, "instance"));
        Assert.Equal("shop", Attribute(set, "namespace"));
        Assert.Equal("x", Attribute(fallback, "service.name"));
        Assert.Single(fallback.Attributes, a => a.Key == "service.name");
    }

    [Fact]
    public void The_plain_namespace_switch_and_the_container_switch_change_job_and_instance()
    {
        var resource = Pod(("k8s.pod.labels.app", "checkout"));

        Rules(new() { JobFormat = JobFormat.Namespace, ContainerInInstance = false }).Apply(resource);

        Assert.Equal("shop", Attribute(resource, "job"));
        Assert.Equal(Uid, Attribute(resource, "service.instance.id"));
        Assert.Equal(Uid, Attribute(resource, "instance"));
    }

    [Fact]
    public void Source_names_are_configurable_and_pod_label_rules_copy_labels_to_attributes()
    {
        var resource = new OtlpResource();
        Add(resource, ("ns", "lab"), ("uid", "u-1"), ("labels/app", "notebook"), ("labels/jupyterpool.datalayer.io/user-uid", "user-42"));
        var options = new ServiceMappingProcessorOptions
        {
            From = new ServiceMappingSources { Namespace = "ns", PodUid = "uid", PodLabelPrefix = "labels/" },
            PodLabels = [new PodLabelRule { Key = "jupyterpool.datalayer.io/user-uid", TagName = "datalayer.pool.user" }],
        };

        new ServiceMappingRules(options).Apply(resource);

        Assert.Equal("lab/notebook", Attribute(resource, "job"));
        Assert.Equal("u-1", Attribute(resource, "instance"));
        Assert.Equal("user-42", Attribute(resource, "datalayer.pool.user"));
    }

    [Fact]
    public void A_second_pass_adds_nothing_and_the_cluster_comes_from_the_attribute_when_not_configured()
    {
        var resource = Pod(("k8s.cluster.name", "dev"));
        var rules = Rules(new());

        Assert.True(rules.TryApply(resource));
        int count = resource.Attributes.Count;
        Assert.False(rules.TryApply(resource));

        Assert.Equal(count, resource.Attributes.Count);
        Assert.Equal("dev", Attribute(resource, "cluster"));
        Assert.All(resource.Attributes.GroupBy(a => a.Key), g => Assert.Single(g));
    }

    [Fact]
    public void A_resource_without_kubernetes_facts_gets_only_job_and_instance_from_its_service()
    {
        var resource = ResourceOf("api");
        Add(resource, ("service.namespace", "web"), ("service.instance.id", "host-1"));

        Rules(new()).Apply(resource);

        Assert.Equal("web/api", Attribute(resource, "job"));
        Assert.Equal("host-1", Attribute(resource, "instance"));
        Assert.Equal("api", Attribute(resource, "app"));
        Assert.Null(Attribute(resource, "namespace"));
        Assert.Null(Attribute(resource, "pod"));
    }

    [Fact]
    public void Empty_and_non_string_facts_are_ignored()
    {
        var resource = new OtlpResource();
        Add(resource, ("k8s.namespace.name", string.Empty));
        resource.Attributes.Add(new KeyValue { Key = "k8s.pod.uid", Value = new AnyValue { IntValue = 7 } });

        Assert.False(Rules(new()).TryApply(resource));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Every_signal_and_raw_pod_log_chunks_are_mapped()
    {
        var factory = new ServiceMappingProcessorFactory();
        var context = new ComponentContext(new ComponentId("servicemapping"), new ServiceMappingProcessorOptions(), new TestHost());
        var traces = Traces(("a", 1));
        var metrics = Metrics(("a", 1));
        var logs = Logs(("a", 1));
        logs.Raw.Add(RawChunk("raw", 2));
        foreach (var resource in new Agent.Core.Model.Batch[] { traces, metrics, logs }.SelectMany(b => b.Resources))
        {
            Add(resource, [("k8s.namespace.name", "shop")]);
        }

        await factory.CreateProcessor(context, new RecordingConsumer<TracesBatch>()).ConsumeAsync(traces, CancellationToken.None);
        await factory.CreateProcessor(context, new RecordingConsumer<MetricsBatch>()).ConsumeAsync(metrics, CancellationToken.None);
        await factory.CreateProcessor(context, new RecordingConsumer<LogsBatch>()).ConsumeAsync(logs, CancellationToken.None);

        var jobs = new Agent.Core.Model.Batch[] { traces, metrics, logs }.SelectMany(b => b.Resources).Select(r => Attribute(r, "job")).ToList();
        Assert.Equal(["shop/a", "shop/a", "shop/a", "shop/raw"], jobs);
    }

    [Fact]
    public void Rules_without_key_or_tag_name_are_refused()
    {
        Assert.Equal(["key", "tag_name"], new PodLabelRule().Validate().Select(e => e.Key));
        Assert.Equal("pod_uid", Assert.Single(new ServiceMappingSources { PodUid = string.Empty }.Validate()).Key);
        Assert.Equal("app_labels", Assert.Single(new ServiceMappingProcessorOptions { AppLabels = [string.Empty] }.Validate()).Key);
    }

    private static ServiceMappingRules Rules(ServiceMappingProcessorOptions options) => new(options);

    /// <summary>A resource as the pod-log receiver's path gives it, plus <paramref name="more"/>.</summary>
    private static OtlpResource Pod(params (string Key, string Value)[] more)
    {
        var resource = new OtlpResource();
        Add(resource, ("k8s.namespace.name", "shop"), ("k8s.pod.name", "checkout-7d9f"), ("k8s.pod.uid", Uid), ("k8s.container.name", "server"));
        Add(resource, more);
        return resource;
    }

    private static void Add(OtlpResource resource, params (string Key, string Value)[] attributes)
    {
        foreach (var (key, value) in attributes)
        {
            resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }
    }
}
