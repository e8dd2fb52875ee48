using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Service;

/// <summary>The topology as a graph: connectors between pipelines, order over the graph, and copies where branches meet a mutator.</summary>
public class TopologyGraphTests
{
    private static string? Tags(Batch batch) => Attribute(batch.Resources.Single(), "tags");

    /// <summary>
    /// One receiver feeds a read-only pipeline and a pipeline whose only stages are two connectors, each in front
    /// of a mutating processor: the second pipeline's fan-out hands the original to a mutator, so the receiver's
    /// fan-out must give it a copy.
    /// </summary>
    private const string MutatorBehindConnectors = """
        receivers:
          manual/in:
        processors:
          tag/x: {tag: x}
        exporters:
          record/plain:
          record/tagged:
        connectors:
          forward/1:
          forward/2:
        service:
          pipelines:
            traces/plain:
              receivers: [manual/in]
              exporters: [record/plain]
            traces/split:
              receivers: [manual/in]
              exporters: [forward/1, forward/2]
            traces/one:
              receivers: [forward/1]
              processors: [tag/x]
              exporters: [record/tagged]
            traces/two:
              receivers: [forward/2]
              processors: [tag/x]
              exporters: [record/tagged]
        """;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_mutating_processor_behind_connectors_never_changes_what_another_pipeline_exports()
    {
        var (topology, recorder) = Recorder.Build(MutatorBehindConnectors);
        await topology.StartAsync(CancellationToken.None);
        var batch = Traces(("svc", 3));
        var notifier = Notify(batch);

        await recorder.Receivers["manual/in"].Consumers.Traces!.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await notifier.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Null(Tags(Assert.Single(recorder.Exported["record/plain"])));
        Assert.Equal(["x", "x"], recorder.Exported["record/tagged"].Select(Tags));
        Assert.All(recorder.Exported["record/tagged"], b => Assert.NotSame(recorder.Exported["record/plain"][0], b));
        Assert.All(recorder.Exported.Values.SelectMany(b => b), b => Assert.Equal(3, b.ItemCount));
    }

    private const string Chain = """
        receivers:
          manual/in:
        processors:
          tag/first: {tag: first}
          tag/second: {tag: second}
          tag/third: {tag: third}
        exporters:
          record/spans:
          record/counts:
        connectors:
          forward:
          spancount:
        service:
          pipelines:
            traces/in:
              receivers: [manual/in]
              processors: [tag/first]
              exporters: [forward, spancount]
            traces/out:
              receivers: [forward]
              processors: [tag/second]
              exporters: [record/spans]
            metrics/counts:
              receivers: [spancount]
              processors: [tag/third]
              exporters: [record/counts]
        """;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Connectors_carry_data_on_to_pipelines_of_the_same_and_of_another_signal()
    {
        var (topology, recorder) = Recorder.Build(Chain);
        await topology.StartAsync(CancellationToken.None);
        var batch = Traces(("svc", 4));
        var notifier = Notify(batch);

        await recorder.Receivers["manual/in"].Consumers.Traces!.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await notifier.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("first,second", Tags(Assert.Single(recorder.Exported["record/spans"])));
        var counts = (MetricsBatch)Assert.Single(recorder.Exported["record/counts"]);
        Assert.Equal(4, counts.Data.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Gauge.DataPoints[0].AsInt);
        Assert.Equal("third", Tags(counts));
        Assert.Null(recorder.Receivers["manual/in"].Consumers.Metrics);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Starts_downstream_first_over_the_graph_and_stops_upstream_first()
    {
        var (topology, recorder) = Recorder.Build(Chain);

        await topology.StartAsync(CancellationToken.None);
        await topology.ShutdownAsync(TimeSpan.FromSeconds(5));

        var starts = recorder.Events.Where(e => e.StartsWith("start", StringComparison.Ordinal)).Select(e => e[6..]).ToList();
        var stops = recorder.Events.Where(e => e.StartsWith("stop", StringComparison.Ordinal)).Select(e => e[5..]).ToList();
        Assert.True(starts.IndexOf("record/counts") < starts.IndexOf("tag/third"));
        Assert.True(starts.IndexOf("tag/third") < starts.IndexOf("spancount"));
        Assert.True(starts.IndexOf("tag/second") < starts.IndexOf("tag/first"));
        Assert.True(starts.IndexOf("spancount") < starts.IndexOf("tag/first"));
        Assert.Equal("manual/in", starts[^1]);
        Assert.Equal(Enumerable.Reverse(starts), stops);
    }

    [Fact]
    public void A_connector_fed_by_two_pipelines_is_one_instance_per_route()
    {
        var (_, recorder) = Recorder.Build("""
            receivers:
              manual/a:
              manual/b:
            exporters:
              record/counts:
            connectors:
              spancount:
            service:
              pipelines:
                traces/a: {receivers: [manual/a], exporters: [spancount]}
                traces/b: {receivers: [manual/b], exporters: [spancount]}
                metrics: {receivers: [spancount], exporters: [record/counts]}
            """);

        // Neither pipeline has processors: each receiver feeds the connector directly (behind the consumer a reload
        // can switch), and it is the same one.
        var a = ((SwappableConsumer<TracesBatch>)recorder.Receivers["manual/a"].Consumers.Traces!).Target;
        var b = ((SwappableConsumer<TracesBatch>)recorder.Receivers["manual/b"].Consumers.Traces!).Target;
        Assert.Same(a, b);
        Assert.IsAssignableFrom<Agent.Core.Components.IConnector<TracesBatch>>(a);
    }
}
