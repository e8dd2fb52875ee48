using Agent.Core.Model;
using Agent.Core.Model.Wire;
using CsCheck;
using Google.Protobuf;

namespace Agent.Tests.Fuzz;

/// <summary>
/// A batch whose records stay encoded behaves as the decoded batch of the same requests: for random requests of
/// each signal, merged as the batch processor merges them and split as it splits them, both agree on the item count,
/// the byte size, the bytes of every part and, decoded at last, its content.
/// </summary>
public class WireBatchFuzzTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public Task Traces_agree_in_both_forms() => Agree(OtlpRequests.Traces, static r => new TracesBatch(r), static w => new TracesBatch(w), static b => b.Data, static b => b.Message, static b => b.IsEncoded);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Metrics_agree_in_both_forms() => Agree(OtlpRequests.Metrics, static r => new MetricsBatch(r), static w => new MetricsBatch(w), static b => b.Data, static b => b.Message, static b => b.IsEncoded);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Logs_agree_in_both_forms() => Agree(OtlpRequests.Logs, static r => new LogsBatch(r), static w => new LogsBatch(w), static b => b.Data, static b => b.Message, static b => b.IsEncoded);

    private static Task Agree<TRequest, TBatch>(
        Gen<TRequest> requests,
        Func<TRequest, TBatch> decoded,
        Func<WireRequest, TBatch> encoded,
        Func<TBatch, IMessage> dataOf,
        Func<TBatch, IMessage> messageOf,
        Func<TBatch, bool> isEncoded)
        where TRequest : IMessage<TRequest>
        where TBatch : Batch<TBatch> =>
        Fuzzing.RunAsync(
            Gen.Select(requests.Array[1, 4], Gen.Int[1, 12], Gen.Int[0, 3]),
            (sent, maxItems, firstDecoded) =>
            {
                // The reference is decoded throughout; the other starts encoded, with some requests joining decoded
                // (a mixed merge), which the encoded form takes in.
                var reference = Merge(sent.Select(r => decoded(r.Clone())));
                var mixed = Merge(sent.Select((r, i) => i < firstDecoded && i > 0 ? decoded(r.Clone()) : encoded(WireRequest.Parser.ParseFrom(r.ToByteArray()))));
                Assert.True(isEncoded(mixed));
                Assert.Equal(reference.ItemCount, mixed.ItemCount);
                Assert.Equal(reference.ByteSize, mixed.ByteSize);
                Assert.Equal(reference.Resources.Count(), mixed.Resources.Count());

                var copy = mixed.Clone();
                Assert.True(isEncoded(copy));
                Assert.Equal(messageOf(mixed).ToByteArray(), messageOf(copy).ToByteArray());

                while (reference.ItemCount > 0)
                {
                    var expected = reference.SplitFront(maxItems);
                    var part = mixed.SplitFront(maxItems);
                    Assert.True(isEncoded(part));
                    Assert.Equal(expected.ItemCount, part.ItemCount);
                    Assert.Equal(expected.ByteSize, part.ByteSize);
                    Assert.Equal(dataOf(expected).ToByteArray(), messageOf(part).ToByteArray());
                    Assert.Equal(reference.ItemCount, mixed.ItemCount);
                    Assert.Equal(dataOf(expected), dataOf(part));
                    Assert.False(isEncoded(part));
                }

                Assert.Equal(dataOf(reference), dataOf(mixed));
                Assert.Equal(sent.Aggregate(0L, (n, r) => n + r.CalculateSize()), messageOf(copy).CalculateSize());
            },
            Fuzzing.Costly);

    private static TBatch Merge<TBatch>(IEnumerable<TBatch> batches)
        where TBatch : Batch<TBatch>
    {
        TBatch? merged = null;
        foreach (var batch in batches)
        {
            if (merged is null)
            {
                merged = batch;
            }
            else
            {
                merged.Append(batch);
            }
        }

        return merged!;
    }
}
