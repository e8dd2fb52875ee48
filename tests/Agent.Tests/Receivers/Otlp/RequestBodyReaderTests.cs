using System.Buffers;
using System.IO.Compression;
using Agent.Receivers.Otlp;

namespace Agent.Tests.Receivers.Otlp;

public class RequestBodyReaderTests
{
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

        var status = await RequestBodyReader.ReadAsync(new MemoryStream(Encode(data, coding)), coding, data.Length, buffer, CancellationToken.None);

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

        var status = await RequestBodyReader.ReadAsync(new MemoryStream(Encode(new byte[size], coding)), coding, 1000, buffer, CancellationToken.None);

        Assert.Equal(tooLarge ? BodyReadStatus.TooLarge : BodyReadStatus.Complete, status);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Inflating_stops_soon_after_the_limit()
    {
        using var buffer = new SegmentedBuffer();

        var status = await RequestBodyReader.ReadAsync(new MemoryStream(OtlpHttpTests.GzipZeros(64 * 1024 * 1024)), ContentCoding.Gzip, 100_000, buffer, CancellationToken.None);

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
    [InlineData("zstd", null)]
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
