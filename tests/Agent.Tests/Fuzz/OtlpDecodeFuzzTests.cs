using System.Buffers;
using Agent.Core.Model;
using Agent.Receivers.Otlp;
using CsCheck;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// OTLP bodies as the HTTP and gRPC front ends decode them: arbitrary and damaged bytes give a request or a
/// <see cref="MalformedRequestException"/> (400 / INVALID_ARGUMENT), never another exception; valid requests decode
/// to what was sent, in protobuf and in OTLP/JSON alike.
/// </summary>
public class OtlpDecodeFuzzTests
{
    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(false)]
    [InlineData(true)]
    public Task Arbitrary_bytes_decode_or_are_malformed(bool json) =>
        Fuzzing.RunAsync(Fuzzing.Bytes(200), body => DecodesOrIsMalformed(body, EncodingOf(json)), Fuzzing.Cheap);

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(false)]
    [InlineData(true)]
    public Task Damaged_valid_requests_decode_or_are_malformed(bool json) =>
        Fuzzing.RunAsync(
            Gen.OneOf<IMessage>(OtlpRequests.Traces.Select(r => (IMessage)r), OtlpRequests.Metrics.Select(r => (IMessage)r), OtlpRequests.Logs.Select(r => (IMessage)r))
                .SelectMany(request => Fuzzing.Mutated(Encode(request, EncodingOf(json)))),
            body => DecodesOrIsMalformed(body, EncodingOf(json)),
            Fuzzing.Costly);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Traces_decode_to_what_was_sent_in_both_encodings() =>
        Fuzzing.RunAsync(OtlpRequests.Traces, request => RoundTrips(OtlpSignals.Traces, request), Fuzzing.Costly);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Metrics_decode_to_what_was_sent_in_both_encodings() =>
        Fuzzing.RunAsync(OtlpRequests.Metrics, request => RoundTrips(OtlpSignals.Metrics, request), Fuzzing.Costly);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Logs_decode_to_what_was_sent_in_both_encodings() =>
        Fuzzing.RunAsync(OtlpRequests.Logs, request => RoundTrips(OtlpSignals.Logs, request), Fuzzing.Costly);

    private static OtlpEncoding EncodingOf(bool json) => json ? OtlpEncoding.Json : OtlpEncoding.Protobuf;

    private static byte[] Encode(IMessage request, OtlpEncoding encoding) =>
        encoding == OtlpEncoding.Protobuf ? request.ToByteArray() : OtlpRequests.ToOtlpJson(request);

    private static void RoundTrips<TRequest, TResponse, TBatch>(OtlpSignal<TRequest, TResponse, TBatch> signal, TRequest request)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        foreach (var encoding in new[] { OtlpEncoding.Protobuf, OtlpEncoding.Json })
        {
            var decoded = OtlpPayload.Decode(signal.Parser, signal.FixJsonIds, new ReadOnlySequence<byte>(Encode(request, encoding)), encoding);
            Assert.Equal(request, decoded);
        }
    }

    private static void DecodesOrIsMalformed(byte[] body, OtlpEncoding encoding)
    {
        Ingest(OtlpSignals.Traces, body, encoding);
        Ingest(OtlpSignals.Metrics, body, encoding);
        Ingest(OtlpSignals.Logs, body, encoding);
    }

    /// <summary>What a front end does with a body before the pipeline: decode, drop invalid items, build the batch.</summary>
    private static void Ingest<TRequest, TResponse, TBatch>(OtlpSignal<TRequest, TResponse, TBatch> signal, byte[] body, OtlpEncoding encoding)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        TRequest request;
        try
        {
            request = OtlpPayload.Decode(signal.Parser, signal.FixJsonIds, new ReadOnlySequence<byte>(body), encoding);
        }
        catch (MalformedRequestException)
        {
            if (encoding == OtlpEncoding.Protobuf)
            {
                // The gRPC front end answers INVALID_ARGUMENT for exactly this exception type.
                Assert.Throws<InvalidProtocolBufferException>(() => OtlpPayload.ParseProtobuf(signal.Parser, new ReadOnlySequence<byte>(body)));
            }

            return;
        }

        int removed = signal.RemoveInvalid(request);
        Assert.True(removed >= 0);
        var batch = signal.ToBatch(request);
        Assert.True(batch.ItemCount >= 0);
    }
}
