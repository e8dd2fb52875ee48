using System.Diagnostics;
using System.Net;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Tests.Receivers.Otlp;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using static Agent.Tests.Core.Model.TestBatches;
using static Agent.Tests.Fakes.KubernetesObjects;

namespace Agent.Tests.Processors.K8sAttributes;

/// <summary>
/// Spans from the real OpenTelemetry .NET SDK, sent from 127.0.0.2 (a loopback address too) to the OTLP receiver,
/// are associated with the pod whose IP is 127.0.0.2 by the connection's peer address alone.
/// </summary>
public class K8sAttributesPeerAddressTests
{
    private static readonly IPAddress PodAddress = IPAddress.Parse("127.0.0.2");

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Spans_are_associated_with_the_pod_by_the_address_they_were_sent_from()
    {
        await using var cluster = await K8sTestCluster.StartAsync();
        cluster.Api.Put("pods", Pod("shop", "checkout-5f6d", "uid-checkout", PodAddress.ToString()));
        cluster.Api.Put("pods", Pod("shop", "other", "uid-other", "127.0.0.1"));
        var enriched = new RecordingConsumer<TracesBatch>();
        var processor = new Agent.Processors.K8sAttributes.K8sAttributesProcessorFactory().CreateProcessor(
            new ComponentContext(new("k8sattributes", "peer"), cluster.Options(o => o.WaitForMetadata = true), cluster),
            enriched);
        await processor.StartAsync(CancellationToken.None);
        try
        {
            await using var otlp = await OtlpTestReceiver.StartAsync(traces: true, metrics: false, logs: false);
            otlp.Traces.Decide = _ => null; // completed by the processor's consumer instead

            SendOneSpanFrom(PodAddress, new Uri(otlp.HttpAddress, "/v1/traces"));
            var received = Assert.Single(otlp.Traces.Received);
            await processor.ConsumeAsync(received, CancellationToken.None);

            var resource = Assert.Single(enriched.Received).Data.ResourceSpans[0].Resource;
            Assert.Equal(PodAddress, received.Context.PeerAddress);
            Assert.Equal("checkout-5f6d", Attribute(resource, "k8s.pod.name"));
            Assert.Equal("uid-checkout", Attribute(resource, "k8s.pod.uid"));
            Assert.Equal("127.0.0.2", Attribute(resource, "k8s.pod.ip"));
            Assert.Equal("peer-test", Attribute(resource, "service.name"));
        }
        finally
        {
            await processor.ShutdownAsync(CancellationToken.None);
        }
    }

    private static void SendOneSpanFrom(IPAddress local, Uri endpoint)
    {
        using var source = new ActivitySource("k8sattributes-peer-tests." + Guid.NewGuid().ToString("N"));
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("peer-test"))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = endpoint;
                o.ExportProcessorType = ExportProcessorType.Simple;
                o.HttpClientFactory = () => LoopbackSource.HttpClientFrom(local);
            })
            .Build();
        source.StartActivity("POST /checkout", ActivityKind.Server)!.Stop();
        Assert.True(provider.ForceFlush(10_000));
    }
}
