using System.IO.Compression;
using Agent.Exporters.Otlp;

namespace Agent.Tests.Exporters.Otlp;

public sealed class PooledGzipCompressionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    [InlineData(3_000_000)]
    public void A_message_compressed_as_grpc_does_it_is_gzip_of_the_same_bytes_written_to_grpcs_stream_in_one_write(int size)
    {
        var message = Message(size);
        var target = new CountingStream();
        using (var compression = new PooledGzipCompression().CreateCompressionStream(target, CompressionLevel.Fastest))
        {
            compression.Write(message);
        }

        Assert.Equal(1, target.Writes);
        Assert.Equal(message, Decompress(target.ToArray()));
    }

    [Fact]
    public void A_message_written_in_pieces_comes_out_whole()
    {
        var message = Message(200_000);
        var target = new CountingStream();
        using (var compression = new PooledGzipCompression().CreateCompressionStream(target, null))
        {
            for (int offset = 0; offset < message.Length; offset += 7_001)
            {
                compression.Write(message, offset, Math.Min(7_001, message.Length - offset));
            }
        }

        Assert.Equal(message, Decompress(target.ToArray()));
    }

    [Fact]
    public void What_the_provider_compresses_its_decompression_stream_reads_back()
    {
        var message = Message(50_000);
        var provider = new PooledGzipCompression();
        var target = new MemoryStream();
        using (var compression = provider.CreateCompressionStream(target, CompressionLevel.Optimal))
        {
            compression.Write(message);
        }

        using var decompression = provider.CreateDecompressionStream(new MemoryStream(target.ToArray()));
        var back = new MemoryStream();
        decompression.CopyTo(back);
        Assert.Equal("gzip", provider.EncodingName);
        Assert.Equal(message, back.ToArray());
    }

    /// <summary>Text-like bytes (what OTLP is made of) with some randomness, so gzip has work to do.</summary>
    private static byte[] Message(int size)
    {
        var random = new Random(size);
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = random.Next(4) == 0 ? (byte)random.Next(256) : (byte)('a' + (i % 23));
        }

        return bytes;
    }

    private static byte[] Decompress(byte[] gzip)
    {
        using var reader = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        var plain = new MemoryStream();
        reader.CopyTo(plain);
        return plain.ToArray();
    }

    /// <summary>A derived MemoryStream sends span writes through the array overload too, so each write counts once.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writes++;
            base.Write(buffer, offset, count);
        }
    }
}
