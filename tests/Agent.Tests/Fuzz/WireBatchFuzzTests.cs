using System.Buffers;
using System.Runtime.InteropServices;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using CsCheck;
using Google.Protobuf;

namespace Agent.Tests.Fuzz;

/// <summary>
/// A batch whose records stay encoded behaves as the decoded batch of the same requests: for random requests of
/// each signal, merged as the batch processor merges them and split as it splits them, both agree on the item count,
/// the byte size, the bytes of every part and, decoded at last, its content. The encoded requests are read from
/// pooled bodies as the receiver reads them: once every batch let go, every body went back to the pool, and not before.
/// That reader, which leaves scope groups pointing into the body, gives what the protobuf parser gives or leaves the
/// body to it, on written and damaged requests.
/// </summary>
public class WireBatchFuzzTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public Task Traces_agree_in_both_forms() => Agree(OtlpRequests.Traces, static r => new TracesBatch(r), static (w, b) => new TracesBatch(w, b), static b => b.Data, static b => b.Message, static b => b.IsEncoded);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Metrics_agree_in_both_forms() => Agree(OtlpRequests.Metrics, static r => new MetricsBatch(r), static (w, b) => new MetricsBatch(w, b), static b => b.Data, static b => b.Message, static b => b.IsEncoded);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Logs_agree_in_both_forms() => Agree(OtlpRequests.Logs, static r => new LogsBatch(r), static (w, b) => new LogsBatch(w, b), static b => b.Data, static b => b.Message, static b => b.IsEncoded);

    private static Task Agree<TRequest, TBatch>(
        Gen<TRequest> requests,
        Func<TRequest, TBatch> decoded,
        Func<WireRequest, WireBody, TBatch> encoded,
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
                var bodies = new List<WireBody>();
                var mixed = Merge(sent.Select((r, i) => i < firstDecoded && i > 0 ? decoded(r.Clone()) : Pooled(r, bodies, encoded)));
                Assert.True(isEncoded(mixed));
                Assert.Equal(reference.ItemCount, mixed.ItemCount);
                Assert.Equal(reference.ByteSize, mixed.ByteSize);
                Assert.Equal(reference.Resources.Count(), mixed.Resources.Count());

                var copy = mixed.Clone();
                Assert.True(isEncoded(copy));
                Assert.Equal(messageOf(mixed).ToByteArray(), messageOf(copy).ToByteArray());

                var parts = new List<TBatch>();
                while (reference.ItemCount > 0)
                {
                    var expected = reference.SplitFront(maxItems);
                    var part = mixed.SplitFront(maxItems);
                    parts.Add(part);
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

                // Every batch that may point into the bodies holds them: only the last to let go returns them.
                foreach (var holder in parts.Append(mixed).Prepend(copy))
                {
                    Assert.DoesNotContain(bodies, body => body.Returned);
                    holder.ReleaseData();
                }

                Assert.All(bodies, body => Assert.True(body.Returned));
            },
            Fuzzing.Costly);

    /// <summary>The request as the receiver reads it: a pooled copy of its bytes, its scope groups pointing into it.</summary>
    private static TBatch Pooled<TRequest, TBatch>(TRequest request, List<WireBody> bodies, Func<WireRequest, WireBody, TBatch> encoded)
        where TRequest : IMessage<TRequest>
    {
        var body = WireBody.CopyOf(new ReadOnlySequence<byte>(request.ToByteArray()));
        bodies.Add(body);
        var read = WireRequestReader.TryRead(body);
        Assert.NotNull(read); // what a protobuf serializer writes is the layout the reader takes
        return encoded(read, body);
    }

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

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("traces")]
    [InlineData("metrics")]
    [InlineData("logs")]
    public Task Requests_are_read_as_the_parser_reads_them(string signal) => signal switch
    {
        "traces" => Agree(OtlpRequests.Traces),
        "metrics" => Agree(OtlpRequests.Metrics),
        _ => Agree(OtlpRequests.Logs),
    };

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Damaged_requests_are_read_as_the_parser_reads_them_or_left_to_it() => Fuzzing.RunAsync(
        OtlpRequests.Traces.Select(request => request.ToByteArray()).SelectMany(valid => Fuzzing.Mutated(valid)),
        bytes =>
        {
            var body = Body(bytes);
            WireRequest? read;
            try
            {
                read = WireRequestReader.TryRead(body);
            }
            catch (Exception ex) when (ex is InvalidProtocolBufferException or System.Text.DecoderFallbackException)
            {
                // The receiver then takes the full path, which answers a malformed body with the protocol's status.
                return;
            }

            if (read is not null)
            {
                Assert.Equal(WireRequest.Parser.ParseFrom(bytes), read);
            }
        },
        Fuzzing.Costly);

    private static Task Agree<TRequest>(Gen<TRequest> requests)
        where TRequest : IMessage<TRequest> => Fuzzing.RunAsync(
        requests,
        request =>
        {
            byte[] bytes = request.ToByteArray();
            var body = Body(bytes);
            var read = WireRequestReader.TryRead(body);

            Assert.NotNull(read);
            Assert.Equal(WireRequest.Parser.ParseFrom(bytes), read);
            Assert.Equal(bytes, read.ToByteArray());
            // No scope group was copied: each is a window on the body's own array.
            Assert.True(MemoryMarshal.TryGetArray(body.Memory, out var array));
            Assert.All(read.Groups.SelectMany(group => group.Scopes), scope =>
            {
                Assert.True(MemoryMarshal.TryGetArray(scope.Memory, out var window));
                Assert.Same(array.Array, window.Array);
            });
        },
        Fuzzing.Costly);

    private static WireBody Body(byte[] bytes) => WireBody.CopyOf(new ReadOnlySequence<byte>(bytes));
}
