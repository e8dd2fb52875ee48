using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Receivers.PodLogs;
using Google.Protobuf;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>What exporters get from the tailer's chunks: the contract written on <see cref="RawLogEntry"/>.</summary>
public class RawChunkContractTests
{
    [Fact]
    public void A_decoded_chunk_converts_to_otlp_with_times_severity_stream_and_ids()
    {
        const long Observed = 1_800_000_000_123_456_789;
        var decoder = new LineDecoder(LogFormat.Auto, 1 << 20, new FieldExtractor(new ExtractOptions()), new ReceiverTelemetry(SelfMetrics.Registry, new ComponentId("filelog", "contract")));
        var resource = PodLogPath.ResourceFor("/var/log/pods/ns_pod_uid/c/0.log", includeFilePath: false, includeFileName: false);
        using var chunk = new RawLogChunk(resource) { ObservedTimeUnixNano = Observed };
        decoder.Decode("2024-01-01T12:00:00.5Z stderr F {\"level\":\"error\",\"trace_id\":\"4BF92F3577B34DA6A3CE929D0E0E4736\",\"span_id\":\"00f067aa0ba902b7\"}\n"u8, chunk, Observed);
        var batch = new LogsBatch();
        batch.Raw.Add(chunk);

        var group = Assert.Single(batch.ToOtlp().ResourceLogs);
        var record = Assert.Single(Assert.Single(group.ScopeLogs).LogRecords);

        Assert.Equal("ns", group.Resource.Attributes.Single(a => a.Key == "k8s.namespace.name").Value.StringValue);
        Assert.Equal(1_704_110_400_500_000_000UL, record.TimeUnixNano);
        Assert.Equal((ulong)Observed, record.ObservedTimeUnixNano);
        Assert.Equal(OpenTelemetry.Proto.Logs.V1.SeverityNumber.Error, record.SeverityNumber);
        Assert.Equal("error", record.SeverityText);
        Assert.Equal("stderr", record.Attributes.Single(a => a.Key == RawLogConversion.IoStreamAttribute).Value.StringValue);
        Assert.Equal(ByteString.CopyFrom(Convert.FromHexString("4bf92f3577b34da6a3ce929d0e0e4736")), record.TraceId);
        Assert.Equal(ByteString.CopyFrom(Convert.FromHexString("00f067aa0ba902b7")), record.SpanId);
        Assert.StartsWith("{\"level\":\"error\"", record.Body.StringValue, StringComparison.Ordinal);
    }
}
