using System.IO.Compression;
using System.Text;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Receivers.Otlp;
using Agent.Receivers.PodLogs;
using Grpc.Core;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// The limits that keep hostile input from growing without bound, each refusal counted: decompressed request size
/// (gzip and zlib bombs, HTTP and gRPC) and the length of a log line (filelog's <c>max_log_size</c>).
/// </summary>
public class LimitsTests
{
    private const int Limit = 4 * 1024 * 1024;
    private const int BombSize = 64 * 1024 * 1024;

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_http_body_that_inflates_past_the_limit_stops_at_the_limit(bool gzip)
    {
        var coding = gzip ? ContentCoding.Gzip : ContentCoding.Deflate;
        byte[] bomb = Compress(coding, BombSize);
        Assert.True(bomb.Length < 256 * 1024);
        using var buffer = new SegmentedBuffer();
        using var lease = new InFlightBytes(long.MaxValue).Open();

        var status = await RequestBodyReader.ReadAsync(new MemoryStream(bomb), coding, Limit, buffer, lease, CancellationToken.None);

        Assert.Equal(BodyReadStatus.TooLarge, status);
        Assert.InRange(buffer.Length, Limit + 1, Limit + (1024 * 1024));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_grpc_message_that_inflates_past_the_limit_fails_with_resource_exhausted()
    {
        int corrupt = 0;
        var provider = GrpcCappedCompression.All(Limit, () => corrupt++).Single(p => p.EncodingName == "gzip");
        using var inflating = provider.CreateDecompressionStream(new MemoryStream(Compress(ContentCoding.Gzip, BombSize)));

        var error = await Assert.ThrowsAsync<RpcException>(() => inflating.CopyToAsync(Stream.Null));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.True(inflating.Position is > Limit and < Limit + (1024 * 1024), $"{inflating.Position} bytes inflated");
        Assert.Equal(0, corrupt);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_corrupt_grpc_message_is_invalid_and_counted()
    {
        int corrupt = 0;
        var provider = GrpcCappedCompression.All(Limit, () => corrupt++).Single(p => p.EncodingName == "gzip");
        byte[] broken = Compress(ContentCoding.Gzip, 4096);
        broken[12] ^= 0xFF;
        using var inflating = provider.CreateDecompressionStream(new MemoryStream(broken));

        var error = await Assert.ThrowsAsync<RpcException>(() => inflating.CopyToAsync(Stream.Null));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(1, corrupt);
    }

    [Theory]
    [InlineData(LogFormat.Cri)]
    [InlineData(LogFormat.Plain)]
    public void A_log_line_longer_than_max_log_size_is_cut_flagged_and_counted(LogFormat format)
    {
        const int max = 1024;
        var registry = new CountingRegistry();
        using var decoder = new LineDecoder(format, max, new FieldExtractor(new ExtractOptions()), new ReceiverTelemetry(registry, new ComponentId("filelog", "limits")));
        using var chunk = new RawLogChunk(new Resource());
        string head = format == LogFormat.Cri ? "2024-01-01T12:00:00Z stdout F " : string.Empty;
        byte[] overlong = Encoding.UTF8.GetBytes(head + new string('é', 4 * max));

        // The tailer hands the decoder a full buffer without a newline, then the rest of the line, then the next one.
        decoder.DecodeOverlong(overlong.AsSpan(0, 2 * max), chunk, 1);
        decoder.Decode(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(overlong, 2 * max, overlong.Length - (2 * max)) + "\n" + head + "next\n"), chunk, 1);

        var entries = chunk.Entries.ToArray();
        Assert.Equal(2, entries.Length);
        Assert.True(entries[0].Truncated);
        Assert.InRange(entries[0].Length, max - 3, max);
        Assert.Equal(new string('é', entries[0].Length / 2), Encoding.UTF8.GetString(chunk.Line(entries[0])));
        Assert.Equal("next", Encoding.UTF8.GetString(chunk.Line(entries[1])));
        Assert.Equal(1, registry.Total("agent_receiver_truncated_lines_total"));
    }

    [Fact]
    public void An_overlong_docker_line_cannot_be_parsed_and_is_counted_too_long()
    {
        var registry = new CountingRegistry();
        using var decoder = new LineDecoder(LogFormat.Docker, 1024, new FieldExtractor(new ExtractOptions()), new ReceiverTelemetry(registry, new ComponentId("filelog", "limits")));
        using var chunk = new RawLogChunk(new Resource());
        byte[] overlong = Encoding.UTF8.GetBytes("{\"log\":\"" + new string('x', 4096) + "\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T12:00:00Z\"}\n");

        decoder.DecodeOverlong(overlong.AsSpan(0, 2048), chunk, 1);
        decoder.Decode(overlong.AsSpan(2048), chunk, 1);

        Assert.Equal(0, chunk.Count);
        Assert.Equal(1, registry.Total("agent_receiver_malformed_lines_total"));
    }

    private static byte[] Compress(ContentCoding coding, int zeros)
    {
        using var output = new MemoryStream();
        using (Stream compressor = coding == ContentCoding.Gzip
            ? new GZipStream(output, CompressionLevel.SmallestSize)
            : new ZLibStream(output, CompressionLevel.SmallestSize))
        {
            byte[] block = new byte[1024 * 1024];
            for (int written = 0; written < zeros; written += block.Length)
            {
                compressor.Write(block, 0, Math.Min(block.Length, zeros - written));
            }
        }

        return output.ToArray();
    }
}
