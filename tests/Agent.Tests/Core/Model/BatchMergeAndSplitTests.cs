using Agent.Core.Delivery;
using Agent.Core.Model;
using OpenTelemetry.Proto.Metrics.V1;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Model;

public class BatchMergeAndSplitTests
{
    [Fact]
    public void Append_moves_groups_and_notifiers_and_empties_the_other_batch()
    {
        var first = Traces(("a", 2));
        var second = Traces(("b", 3));
        var firstNotifier = Notify(first);
        var secondNotifier = Notify(second);

        first.Append(second);

        Assert.Equal(["a-0", "a-1", "b-0", "b-1", "b-2"], SpanNames(first));
        Assert.Equal(0, second.ItemCount);

        // The emptied batch holds nothing: completing it changes nothing.
        second.Complete(DeliveryStatus.Rejected);
        first.Complete(DeliveryStatus.Delivered);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(firstNotifier));
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(secondNotifier));
    }

    [Fact]
    public void Metrics_split_inside_a_metric_by_data_points()
    {
        var batch = Metrics(("a", 10));

        var front = batch.SplitFront(4);

        Assert.Equal(4, front.ItemCount);
        Assert.Equal(6, batch.ItemCount);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"a.gauge#{i}"), PointNames(front));
        Assert.Equal(Enumerable.Range(4, 6).Select(i => $"a.gauge#{i}"), PointNames(batch));
        Assert.Equal("1", front.Data.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Unit);
    }

    [Fact]
    public void A_split_sum_keeps_its_temporality_and_monotonicity_on_both_sides()
    {
        var batch = Metrics(("a", 0));
        var sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true };
        sum.DataPoints.Add(Enumerable.Range(0, 5).Select(i => new NumberDataPoint { AsDouble = i }));
        batch.Data.ResourceMetrics[0].ScopeMetrics[0].Metrics[0] = new Metric { Name = "requests", Sum = sum };

        var front = batch.SplitFront(2);

        var frontSum = front.Data.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Sum;
        var restSum = batch.Data.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Sum;
        Assert.Equal([0.0, 1.0], frontSum.DataPoints.Select(p => p.AsDouble));
        Assert.Equal([2.0, 3.0, 4.0], restSum.DataPoints.Select(p => p.AsDouble));
        Assert.All([frontSum, restSum], s => Assert.True(s.IsMonotonic && s.AggregationTemporality == AggregationTemporality.Cumulative));
    }

    [Fact]
    public void Metric_splits_never_exceed_the_asked_size()
    {
        var batch = Metrics(("a", 5), ("b", 8), ("c", 3));
        var original = PointNames(batch);

        var parts = new List<MetricsBatch>();
        while (batch.ItemCount > 0)
        {
            parts.Add(batch.SplitFront(6));
        }

        Assert.Equal([6, 6, 4], parts.Select(p => p.ItemCount));
        Assert.Equal(original, parts.SelectMany(PointNames));
    }

    [Fact]
    public void Logs_split_otlp_records_first_then_whole_raw_chunks()
    {
        var batch = Logs(("otlp", 3));
        using var chunk1 = RawChunk("file1", 5);
        using var chunk2 = RawChunk("file2", 5);
        batch.Raw.Add(chunk1);
        batch.Raw.Add(chunk2);
        Assert.Equal(13, batch.ItemCount);

        var front = batch.SplitFront(8);

        Assert.Equal(8, front.ItemCount);
        Assert.Same(chunk1, Assert.Single(front.Raw));
        Assert.Same(chunk2, Assert.Single(batch.Raw));
        Assert.Empty(batch.Data.ResourceLogs);
    }

    [Fact]
    public void A_raw_chunk_is_never_cut_but_always_makes_progress()
    {
        var batch = new LogsBatch();
        using var chunk = RawChunk("file", 5);
        batch.Raw.Add(chunk);

        var front = batch.SplitFront(2);

        Assert.Equal(5, front.ItemCount);
        Assert.Equal(0, batch.ItemCount);
    }

    [Fact]
    public void Logs_append_keeps_otlp_groups_and_raw_chunks_with_their_notifiers()
    {
        var first = Logs(("a", 1));
        var second = new LogsBatch();
        using var chunk = RawChunk("file", 2);
        second.Raw.Add(chunk);
        var notifier = Notify(second);

        first.Append(second);

        Assert.Equal(["a-0", "file-0", "file-1"], LogLines(first));
        Assert.Empty(second.Raw);
        first.Complete(DeliveryStatus.Delivered);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
    }

    [Fact]
    public void Clones_are_deep_and_hold_the_notifiers()
    {
        var batch = Logs(("a", 1));
        using var chunk = RawChunk("file", 1);
        batch.Raw.Add(chunk);
        var notifier = Notify(batch);

        var copy = batch.Clone();
        copy.Data.ResourceLogs[0].Resource.Attributes.Clear();
        copy.Raw[0].Resource.Attributes.Clear();

        Assert.Equal("a", Attribute(batch.Data.ResourceLogs[0].Resource, "service.name"));
        Assert.Equal("file", Attribute(batch.Raw[0].Resource, "service.name"));
        batch.Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);
        copy.Complete(DeliveryStatus.Delivered);
        Assert.True(notifier.IsCompleted);
        copy.Raw[0].Dispose();
    }
}
