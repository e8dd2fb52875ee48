using Agent.Core.Delivery;
using Agent.Core.Model;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Model;

/// <summary>The shared three-level split, exercised through <see cref="TracesBatch.SplitFront"/>.</summary>
public class OtlpGroupsSplitTests
{
    [Fact]
    public void Splits_inside_one_scope_keeping_resource_and_scope_on_both_sides()
    {
        var batch = Traces(("a", 10));

        var front = batch.SplitFront(4);

        Assert.Equal(["a-0", "a-1", "a-2", "a-3"], SpanNames(front));
        Assert.Equal(["a-4", "a-5", "a-6", "a-7", "a-8", "a-9"], SpanNames(batch));
        foreach (var part in new[] { front, batch })
        {
            var group = Assert.Single(part.Data.ResourceSpans);
            Assert.Equal("a", Attribute(group.Resource, "service.name"));
            Assert.Equal("scope-a", Assert.Single(group.ScopeSpans).Scope.Name);
        }
    }

    [Fact]
    public void Splits_across_groups_in_order()
    {
        var batch = Traces(("a", 3), ("b", 3), ("c", 3));

        var front = batch.SplitFront(5);

        Assert.Equal(["a-0", "a-1", "a-2", "b-0", "b-1"], SpanNames(front));
        Assert.Equal(["b-2", "c-0", "c-1", "c-2"], SpanNames(batch));
        Assert.Equal(["a", "b"], front.Data.ResourceSpans.Select(g => Attribute(g.Resource, "service.name")));
        Assert.Equal(["b", "c"], batch.Data.ResourceSpans.Select(g => Attribute(g.Resource, "service.name")));
    }

    [Fact]
    public void A_cut_on_a_group_boundary_leaves_no_empty_group_behind()
    {
        var batch = Traces(("a", 3), ("b", 3));

        var front = batch.SplitFront(3);

        Assert.Single(front.Data.ResourceSpans);
        Assert.Single(batch.Data.ResourceSpans);
        Assert.Equal(3, front.ItemCount);
        Assert.Equal(3, batch.ItemCount);
    }

    [Fact]
    public void Splits_between_and_inside_the_scopes_of_one_group()
    {
        var batch = Traces(("a", 2));
        var group = batch.Data.ResourceSpans[0];
        var second = new ScopeSpans { Scope = new InstrumentationScope { Name = "second" } };
        second.Spans.Add(Enumerable.Range(0, 3).Select(i => new Span { Name = $"second-{i}" }));
        group.ScopeSpans.Add(second);

        var front = batch.SplitFront(3);

        var frontGroup = Assert.Single(front.Data.ResourceSpans);
        Assert.Equal(["scope-a", "second"], frontGroup.ScopeSpans.Select(s => s.Scope.Name));
        Assert.Equal(["a-0", "a-1", "second-0"], SpanNames(front));
        var restScope = Assert.Single(Assert.Single(batch.Data.ResourceSpans).ScopeSpans);
        Assert.Equal("second", restScope.Scope.Name);
        Assert.Equal(["second-1", "second-2"], SpanNames(batch));
    }

    [Fact]
    public void A_split_larger_than_the_batch_moves_everything()
    {
        var batch = Traces(("a", 2), ("b", 1));

        var front = batch.SplitFront(100);

        Assert.Equal(3, front.ItemCount);
        Assert.Equal(0, batch.ItemCount);
        Assert.Empty(batch.Data.ResourceSpans);
    }

    [Fact]
    public void Repeated_splits_give_parts_of_the_asked_size_that_add_up_to_the_original_in_order()
    {
        var batch = Traces(("a", 10), ("b", 1), ("c", 13), ("d", 6));
        var original = SpanNames(batch);

        var parts = new List<TracesBatch>();
        while (batch.ItemCount > 0)
        {
            parts.Add(batch.SplitFront(7));
        }

        Assert.Equal([7, 7, 7, 7, 2], parts.Select(p => p.ItemCount));
        Assert.Equal(original, parts.SelectMany(SpanNames));
    }

    [Fact]
    public void Split_parts_share_the_notifiers_so_the_source_hears_back_after_the_last_part()
    {
        var batch = Traces(("a", 10));
        var notifier = Notify(batch);

        var front = batch.SplitFront(4);

        // The split-off part holds its own share: the rest alone does not resolve the notifier.
        batch.Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);

        front.Complete(DeliveryStatus.Errored);
        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
    }

    [Fact]
    public void Splitting_does_not_change_the_encoded_content()
    {
        var batch = Traces(("a", 5), ("b", 5));
        var expected = batch.Data.Clone();

        var front = batch.SplitFront(7);

        // Re-joining the parts gives back the same groups, scopes and spans.
        front.Append(batch);
        var joined = front.Data.ResourceSpans;
        Assert.Equal(3, joined.Count);
        Assert.Equal(expected.ResourceSpans[0], joined[0]);
        Assert.Equal(expected.ResourceSpans[1].Resource, joined[1].Resource);
        Assert.Equal(expected.ResourceSpans[1].Resource, joined[2].Resource);
        Assert.Equal(
            expected.ResourceSpans[1].ScopeSpans[0].Spans,
            joined[1].ScopeSpans[0].Spans.Concat(joined[2].ScopeSpans[0].Spans));
    }
}
