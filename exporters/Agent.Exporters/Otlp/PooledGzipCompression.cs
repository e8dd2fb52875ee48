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

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new OneWriteGzipStream(stream, compressionLevel ?? CompressionLevel.Fastest);

    public Stream CreateDecompressionStream(Stream stream) => new GZipStream(stream, CompressionMode.Decompress);

    /// <summary>Compresses what is written into a pooled buffer; on disposal, writes the whole result to the target.</summary>
    private sealed class OneWriteGzipStream(Stream target, CompressionLevel level) : Stream
    {
        private readonly PooledWriteStream _compressed = new(64 * 1024);
        private GZipStream? _gzip;
        private bool _finished;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _gzip ??= new GZipStream(_compressed, level, leaveOpen: true);
            _gzip.Write(buffer);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_finished)
            {
                _finished = true;

                // gzip's trailer (CRC and length) is written when its stream closes, so close it before copying.
                (_gzip ??= new GZipStream(_compressed, level, leaveOpen: true)).Dispose();
                target.Write(_compressed.Written);
                _compressed.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
