using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Google.Protobuf;

namespace Agent.Tests.Core.Model;

/// <summary>
/// A batch whose records are still encoded: reading <c>Data</c> decodes it once (also when read-only consumers ask
/// at the same time), resources edited before are in it, a merge follows its one rule, and the notifiers and the
/// cached counts stay right.
/// </summary>
public class EncodedBatchTests
{
    private static TracesBatch Encoded(params (string Service, int Spans)[] groups) =>
        new(WireRequest.Parser.ParseFrom(TestBatches.Traces(groups).Data.ToByteArray()));

    [Fact]
    public void Reading_data_decodes_once_with_the_resources_as_edited()
    {
        var batch = Encoded(("a", 3), ("b", 2));
        Assert.Equal(5, batch.ItemCount);
        foreach (var resource in batch.Resources)
        {
            resource.Attributes.Add(new OpenTelemetry.Proto.Common.V1.KeyValue { Key = "edited", Value = new() { BoolValue = true } });
        }

        Assert.True(batch.IsEncoded);
        var data = batch.Data;

        Assert.False(batch.IsEncoded);
        Assert.Same(data, batch.Data);
        Assert.Same(data, batch.Message);
        Assert.Equal(["a-0", "a-1", "a-2", "b-0", "b-1"], data.ResourceSpans.SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name));
        Assert.All(data.ResourceSpans, g => Assert.Contains(g.Resource.Attributes, a => a.Key == "edited"));
        Assert.Equal(5, batch.ItemCount);
    }

    [Fact]
    public async Task Readers_asking_at_once_get_the_same_decoded_request()
    {
        for (int round = 0; round < 50; round++)
        {
            var batch = Encoded(("a", 20));
            using var start = new Barrier(2);
            var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                return batch.Data;
            })).ToArray();

            var seen = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Same(seen[0], seen[1]);
            Assert.Equal(20, seen[0].ResourceSpans[0].ScopeSpans[0].Spans.Count);
        }
    }

    [Fact]
    public void A_merge_stays_encoded_unless_the_receiving_batch_already_holds_decoded_groups()
    {
        var encoded = Encoded(("a", 1));
        encoded.Append(TestBatches.Traces(("b", 2)));
        Assert.True(encoded.IsEncoded);
        Assert.Equal(3, encoded.ItemCount);

        var empty = new TracesBatch();
        empty.Append(Encoded(("c", 1)));
        Assert.True(empty.IsEncoded);

        var decoded = TestBatches.Traces(("d", 1));
        decoded.Append(Encoded(("e", 2)));
        Assert.False(decoded.IsEncoded);
        Assert.Equal(["d-0", "e-0", "e-1"], decoded.Data.ResourceSpans.SelectMany(g => g.ScopeSpans).SelectMany(s => s.Spans).Select(s => s.Name));
    }

    [Fact]
    public void Splitting_and_copying_keep_the_notifiers_and_share_the_scope_bytes()
    {
        var batch = Encoded(("a", 4), ("b", 4));
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);

        var front = batch.SplitFront(6);
        var copy = batch.Clone();

        Assert.Equal((6, 2, 2), (front.ItemCount, batch.ItemCount, copy.ItemCount));
        Assert.True(front.IsEncoded && batch.IsEncoded && copy.IsEncoded);
        Assert.Equal(batch.Message.ToByteArray(), copy.Message.ToByteArray());
        front.Complete(DeliveryStatus.Delivered);
        batch.Complete(DeliveryStatus.Delivered);
        Assert.False(notifier.Completion.IsCompleted);
        copy.Complete(DeliveryStatus.Delivered);
        Assert.True(notifier.IsCompleted);
    }
}
