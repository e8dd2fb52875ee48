using Agent.Processors.ServiceMapping;
using BenchmarkDotNet.Attributes;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Benchmarks.Processors;

/// <summary>
/// The servicemapping processor's cost per resource group: mapping a pod resource as the pod-log receiver gives it
/// (a fresh copy each time, the copy measured alone as the baseline), and a resource that already carries every
/// attribute, which must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class ServiceMappingBenchmarks
{
    private readonly ServiceMappingRules _rules = new(new ServiceMappingProcessorOptions { Cluster = "prod-eu" });
    private Resource _pod = null!;
    private Resource _mapped = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pod = new Resource();
        foreach (var (key, value) in new[]
        {
            ("k8s.namespace.name", "shop"), ("k8s.pod.name", "checkout-7d9f8c6b5-x2x9q"), ("k8s.pod.uid", "0b1f6c1e-7d6a-4c8e-9a55-2a7d3f1c9e01"),
            ("k8s.container.name", "server"), ("k8s.node.name", "node-3"), ("k8s.pod.labels.app.kubernetes.io/name", "checkout"),
        })
        {
            _pod.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }

        _mapped = _pod.Clone();
        _rules.Apply(_mapped);
    }

    [Benchmark(Baseline = true)]
    public Resource CopyOnly() => _pod.Clone();

    [Benchmark]
    public Resource CopyAndMap()
    {
        var resource = _pod.Clone();
        _rules.Apply(resource);
        return resource;
    }

    [Benchmark]
    public bool AlreadyMapped() => _rules.TryApply(_mapped);
}
