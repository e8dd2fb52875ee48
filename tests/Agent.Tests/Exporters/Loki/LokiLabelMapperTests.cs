using Agent.Core.Model;
using Agent.Exporters.Loki;
using Agent.Processors.ServiceMapping;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

/// <summary>The index labels and metadata of one resource, with and without the servicemapping processor before the exporter.</summary>
public class LokiLabelMapperTests
{
    [Fact]
    public void After_the_mapping_processor_the_normalised_job_wins_and_no_label_is_repeated_in_metadata()
    {
        var resource = PodResource(extra: [("k8s.pod.labels.app", "checkout"), ("k8s.node.name", "node-3")]);
        new ServiceMappingRules(new ServiceMappingProcessorOptions { JobFormat = JobFormat.Namespace, Cluster = "prod-eu" }).Apply(resource);

        var mapped = new LokiLabelMapper(new LokiExporterOptions()).MapResource(resource);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["app"] = "checkout",
                ["cluster"] = "prod-eu",
                ["container"] = "api",
                ["job"] = "shop",
                ["namespace"] = "shop",
                ["pod"] = "api-7d9f",
                ["service_name"] = "checkout",
            },
            mapped.BaseLabels.ToDictionary());
        var metadata = mapped.Metadata.Select(pair => pair.Key).ToList();
        Assert.Equal(metadata.Distinct().Count(), metadata.Count);
        Assert.DoesNotContain("namespace", metadata);
        Assert.DoesNotContain("job", metadata);
        Assert.Contains(new KeyValuePair<string, string>("instance", "0b8e5c2a-1111-2222-3333-444455556666/api"), mapped.Metadata);
        Assert.Contains(new KeyValuePair<string, string>("node", "node-3"), mapped.Metadata);
    }

    [Theory]
    [InlineData(JobFormat.NamespaceAndName, "k8s.pod.labels.app.kubernetes.io/name", "shop/web")]
    [InlineData(JobFormat.Namespace, "k8s.pod.labels.app", "shop")]
    public void Without_the_processor_app_comes_from_the_collector_pod_label_attributes_and_the_switch_forms_job(JobFormat format, string appAttribute, string job)
    {
        var resource = PodResource(extra: [(appAttribute, "web"), ("service.name", "web"), ("service.namespace", "shop")]);

        var labels = new LokiLabelMapper(new LokiExporterOptions { JobFormat = format }).MapResource(resource).BaseLabels.ToDictionary();

        Assert.Equal("web", labels["app"]);
        Assert.Equal(job, labels["job"]);
    }
}
