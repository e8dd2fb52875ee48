using System.Buffers;
using System.IO.Compression;
using Agent.Receivers.Otlp;

namespace Agent.Tests.Receivers.Otlp;

public class RequestBodyReaderTests
{
    private static readonly InFlightBytes Unbounded = new(long.MaxValue);

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Reading_stops_when_the_in_flight_budget_is_spent_by_other_requests_but_a_lone_request_may_exceed_it()
    {
        var budget = new InFlightBytes(100_000);
        var data = new byte[150_000];
        using (var alone = budget.Open())
        using (var buffer = new SegmentedBuffer())
        {
            Assert.Equal(BodyReadStatus.Complete, await RequestBodyReader.ReadAsync(new MemoryStream(data), ContentCoding.Identity, data.Length, buffer, alone, CancellationToken.None));
            Assert.Equal(150_000, budget.Held);
        }

        Assert.Equal(0, budget.Held);
        using var other = budget.Open();
        Assert.True(other.TryCover(60_000));
        using var lease = budget.Open();
        using var refused = new SegmentedBuffer();

        Assert.Equal(BodyReadStatus.Busy, await RequestBodyReader.ReadAsync(new MemoryStream(data), ContentCoding.Identity, data.Length, refused, lease, CancellationToken.None));
        Assert.InRange(lease.Held, 0, 40_000);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("identity")]
    [InlineData("gzip")]
    [InlineData("deflate")]
    public async Task Body_spanning_many_segments_reads_back_byte_for_byte(string contentEncoding)
    {
        var coding = RequestBodyReader.CodingOf(contentEncoding)!.Value;
        var data = new byte[3 * 1024 * 1024 + 17];
        new Random(1).NextBytes(data);
        using var buffer = new SegmentedBuffer();

        var status = await RequestBodyReader.ReadAsync(new MemoryStream(Encode(data, coding)), coding, data.Length, buffer, Unbounded.Open(), CancellationToken.None);

        Assert.Equal(BodyReadStatus.Complete, status);
        Assert.Equal(data.Length, buffer.Length);
        Assert.True(buffer.Sequence.ToArray().AsSpan().SequenceEqual(data));
        Assert.False(buffer.Sequence.IsSingleSegment);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData("identity", 1000, false)]
    [InlineData("identity", 1001, true)]
    [InlineData("gzip", 1000, false)]
    [InlineData("gzip", 1001, true)]
    public async Task The_limit_applies_to_the_decompressed_size(string contentEncoding, int size, bool tooLarge)
    {
        var coding = RequestBodyReader.CodingOf(contentEncoding)!.Value;
        using var buffer = new SegmentedBuffer();

        var status = await RequestBodyReader.ReadAsync(new MemoryStream(Encode(new byte[size], coding)), coding, 1000, buffer, Unbounded.Open(), CancellationToken.None);

        Assert.Equal(tooLarge ? BodyReadStatus.TooLarge : BodyReadStatus.Complete, status);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Inflating_stops_soon_after_the_limit()
    {
        using var buffer = new SegmentedBuffer();

        var status = await RequestBodyReader.ReadAsync(new MemoryStream(OtlpHttpTests.GzipZeros(64 * 1024 * 1024)), ContentCoding.Gzip, 100_000, buffer, Unbounded.Open(), CancellationToken.None);

        Assert.Equal(BodyReadStatus.TooLarge, status);
        Assert.InRange(buffer.Length, 100_001, 100_000 + (1024 * 1024));
    }

    [Theory]
    [InlineData(null, "Identity")]
    [InlineData("identity", "Identity")]
    [InlineData("GZIP", "Gzip")]
    [InlineData("x-gzip", "Gzip")]
    [InlineData("deflate", "Deflate")]
    [InlineData("br", null)]
    [InlineData("zstd", "Zstd")]
    [InlineData("ZSTD", "Zstd")]
    public void Content_encodings_are_recognised(string? header, string? expected)
    {
        Assert.Equal(expected, RequestBodyReader.CodingOf(header)?.ToString());
    }

    private static byte[] Encode(byte[] data, ContentCoding coding)
    {
        if (coding == ContentCoding.Identity)
        {
            return data;
        }

        using var output = new MemoryStream();
        using (Stream compressor = coding == ContentCoding.Gzip
            ? new GZipStream(output, CompressionLevel.Fastest)
            : new ZLibStream(output, CompressionLevel.Fastest))
        {
            compressor.Write(data);
        }

        return output.ToArray();
    }
}
