using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Service;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Service;

public class TopologyTests
{
    private const string TwoPipelines = """
        receivers:
          manual/a:
          manual/b:
        processors:
          tag/first: {tag: one}
          tag/second: {tag: two}
        exporters:
          record/shared:
          record/only_b:
        service:
          pipelines:
            traces:
              receivers: [manual/a]
              processors: [tag/first, tag/second]
              exporters: [record/shared]
            traces/b:
              receivers: [manual/a, manual/b]
              processors: [tag/second]
              exporters: [record/shared, record/only_b]
        """;

    private static (Topology Topology, Recorder Recorder) Build() => Recorder.Build(TwoPipelines);

    private static TracesBatch OneSpan(BatchNotifier notifier)
    {
        var request = new ExportTraceServiceRequest();
        var scope = new ScopeSpans();
        scope.Spans.Add(new Span { Name = "work" });
        var group = new ResourceSpans { Resource = new() };
        group.ScopeSpans.Add(scope);
        request.ResourceSpans.Add(group);
        var batch = new TracesBatch(request);
        batch.AttachNotifier(notifier);
        return batch;
    }

    private static string Tags(Batch batch) =>
        batch.Resources.Single().Attributes.Single(a => a.Key == "tags").Value.StringValue;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_receiver_in_two_pipelines_feeds_both_and_hears_back_once_every_exporter_has_delivered()
    {
        var (topology, recorder) = Build();
        await topology.StartAsync(CancellationToken.None);
        var notifier = new BatchNotifier();

        await recorder.Receivers["manual/a"].Consumers.Traces!.ConsumeAsync(OneSpan(notifier), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await notifier.Completion.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, recorder.Exported["record/shared"].Count);
        Assert.Single(recorder.Exported["record/only_b"]);

        // Each pipeline ran its own processors, in order, on its own copy.
        Assert.Equal(["one,two", "two"], recorder.Exported["record/shared"].Select(Tags).Order());
        Assert.Equal("two", Tags(recorder.Exported["record/only_b"][0]));
        Assert.Null(recorder.Receivers["manual/a"].Consumers.Logs);
    }

    [Fact]
    public void Exporters_named_by_several_pipelines_are_created_once()
    {
        var (_, recorder) = Build();

        Assert.Single(recorder.Events, e => e == "create record/shared");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Starts_downstream_first_and_stops_upstream_first()
    {
        var (topology, recorder) = Build();

        await topology.StartAsync(CancellationToken.None);
        await topology.ShutdownAsync(TimeSpan.FromSeconds(5));

        var starts = recorder.Events.Where(e => e.StartsWith("start", StringComparison.Ordinal)).ToList();
        var stops = recorder.Events.Where(e => e.StartsWith("stop", StringComparison.Ordinal)).ToList();
        Assert.True(starts.IndexOf("start record/shared") < starts.IndexOf("start tag/second"));
        Assert.True(starts.IndexOf("start tag/second") < starts.IndexOf("start tag/first"));
        Assert.True(starts.IndexOf("start tag/first") < starts.IndexOf("start manual/a"));
        Assert.Equal(starts.Select(s => s[6..]).Reverse(), stops.Select(s => s[5..]));
    }
}
