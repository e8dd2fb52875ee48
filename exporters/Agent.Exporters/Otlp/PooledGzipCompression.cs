using System.IO.Compression;
using Agent.Exporters.ExporterHelper;
using Grpc.Net.Compression;

namespace Agent.Exporters.Otlp;

/// <summary>
/// gzip for the exporter's gRPC channel. Grpc.Net.Client compresses each message into a fresh
/// <see cref="MemoryStream"/>; written in gzip's small chunks, that stream doubles its array over and over (for a
/// 2,000-span export that compresses to 89 kB it allocated 249 kB, partly on the large object heap, copying as it
/// grew). Here the message is compressed into a pooled buffer and handed to gRPC's stream in one write, which sizes
/// its array once (<c>GrpcGzipBenchmarks</c>).
/// </summary>
internal sealed class PooledGzipCompression : ICompressionProvider
{
    public string EncodingName => OtlpClientOptions.Gzip;

    /// <remarks>
    /// gzip writes its trailer (CRC and length) when it closes, and then closes the pooled stream, which hands gRPC's
    /// stream everything in one write.
    /// </remarks>
    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(new PooledWriteStream(64 * 1024, copyOnDispose: stream), compressionLevel ?? CompressionLevel.Fastest);

    public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress);
}
