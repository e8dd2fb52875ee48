using Agent.Core.Model;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Model;

/// <summary>Item count and byte size are counted once and kept right by every operation that changes a batch.</summary>
public class BatchCachedSizeTests
{
    /// <summary>What a fresh walk over the same data says, bypassing any cache.</summary>
    private static (int Items, long Bytes) Measured(TracesBatch batch)
    {
        var fresh = new TracesBatch(batch.Data);
        return (fresh.ItemCount, fresh.ByteSize);
    }

    private static (int Items, long Bytes) Measured(LogsBatch batch)
    {
        var fresh = new LogsBatch(batch.Data);
        fresh.Raw.AddRange(batch.Raw);
        return (fresh.ItemCount, fresh.ByteSize);
    }

    [Fact]
    public void The_count_is_cached_until_the_data_is_reported_changed()
    {
        var batch = Traces(("a", 2));
        Assert.Equal(2, batch.ItemCount);
        long bytes = batch.ByteSize;

        // A change behind the batch's back is not seen: the count is not walked again...
        batch.Data.ResourceSpans[0].ScopeSpans[0].Spans.Add(new Span { Name = "late" });
        Assert.Equal(2, batch.ItemCount);
        Assert.Equal(bytes, batch.ByteSize);

        // ...until the code that changed it says so.
        batch.ContentChanged();
        Assert.Equal(3, batch.ItemCount);
        Assert.Equal(Measured(batch), (batch.ItemCount, batch.ByteSize));
        Assert.True(batch.ByteSize > bytes);
    }

    [Fact]
    public void Append_sums_the_known_sizes_exactly_and_empties_the_other()
    {
        var first = Traces(("a", 2), ("b", 1));
        var second = Traces(("c", 4));
        _ = (first.ItemCount, first.ByteSize, second.ItemCount, second.ByteSize);

        first.Append(second);

        Assert.Equal(Measured(first), (first.ItemCount, first.ByteSize));
        Assert.Equal((7, Measured(first).Bytes), (first.ItemCount, first.ByteSize));
        Assert.Equal(0, second.ItemCount);
        Assert.Equal(Measured(second), (second.ItemCount, second.ByteSize));
    }

    [Fact]
    public void Split_parts_count_what_they_hold_even_when_a_group_is_cut()
    {
        var batch = Traces(("a", 3), ("b", 3));
        _ = (batch.ItemCount, batch.ByteSize);

        var front = batch.SplitFront(4);

        Assert.Equal((4, Measured(front).Bytes), (front.ItemCount, front.ByteSize));
        Assert.Equal((2, Measured(batch).Bytes), (batch.ItemCount, batch.ByteSize));
    }

    [Fact]
    public void Raw_chunks_count_in_merges_and_splits()
    {
        var batch = Logs(("otlp", 2));
        batch.Raw.Add(RawChunk("file", 3));
        var other = new LogsBatch();
        other.Raw.Add(RawChunk("other", 5));
        _ = (batch.ItemCount, batch.ByteSize, other.ItemCount, other.ByteSize);

        batch.Append(other);
        Assert.Equal((10, Measured(batch).Bytes), (batch.ItemCount, batch.ByteSize));

        var front = batch.SplitFront(5);
        Assert.Equal((5, Measured(front).Bytes), (front.ItemCount, front.ByteSize));
        Assert.Equal((5, Measured(batch).Bytes), (batch.ItemCount, batch.ByteSize));
    }

    [Fact]
    public void A_clone_starts_with_the_same_sizes_and_changes_on_its_own()
    {
        var batch = Traces(("a", 2));
        _ = (batch.ItemCount, batch.ByteSize);

        var copy = batch.Clone();
        copy.Data.ResourceSpans[0].ScopeSpans[0].Spans.RemoveAt(0);
        copy.ContentChanged();

        Assert.Equal((1, Measured(copy).Bytes), (copy.ItemCount, copy.ByteSize));
        Assert.Equal((2, Measured(batch).Bytes), (batch.ItemCount, batch.ByteSize));
    }

    [Fact]
    public void Resources_handed_to_a_processor_count_as_a_change_of_size()
    {
        var batch = Traces(("a", 2));
        long before = batch.ByteSize;

        foreach (var resource in batch.Resources)
        {
            resource.Attributes.Add(new KeyValue { Key = "k8s.cluster.name", Value = new AnyValue { StringValue = "prod-eu" } });
        }

        Assert.True(batch.ByteSize > before);
        Assert.Equal(Measured(batch), (batch.ItemCount, batch.ByteSize));
    }
}
