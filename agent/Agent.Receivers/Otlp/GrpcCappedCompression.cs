using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;
using ZstdSharp;

namespace Agent.Receivers.Otlp;

/// <summary>
/// gzip and zstd for gRPC messages with a ceiling: the stock gzip provider inflates a message completely before any
/// size check, so a few kilobytes could grow to gigabytes. These fail with RESOURCE_EXHAUSTED as soon as the
/// inflated size passes the receive limit, and with INVALID_ARGUMENT on corrupt data.
/// </summary>
internal sealed class GrpcCappedCompression(
    string encodingName,
    Func<Stream, CompressionLevel?, Stream> compress,
    Func<Stream, Stream> decompress,
    long limit,
    Action onCorrupt) : ICompressionProvider
{
    public string EncodingName => encodingName;

    /// <summary>Every encoding the receiver accepts, each capped at <paramref name="limit"/> inflated bytes.</summary>
    public static ICompressionProvider[] All(long limit, Action onCorrupt) =>
    [
        new GrpcCappedCompression(
            "gzip",
            static (stream, level) => new GZipStream(stream, level ?? CompressionLevel.Fastest, leaveOpen: true),
            static stream => new GZipStream(stream, CompressionMode.Decompress),
            limit,
            onCorrupt),
        new GrpcCappedCompression(
            "zstd",
            static (stream, _) => new CompressionStream(stream, leaveOpen: true),
            static stream => new DecompressionStream(stream, leaveOpen: false),
            limit,
            onCorrupt),
    ];

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => compress(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new CappedStream(decompress(stream), encodingName, limit, onCorrupt);

    private sealed class CappedStream(Stream inner, string encodingName, long limit, Action onCorrupt) : Stream
    {
        private long _total;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _total;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = inner.Read(buffer);
            }
            catch (Exception ex) when (RequestBodyReader.IsCorruptData(ex))
            {
                onCorrupt();
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"the {encodingName}-compressed message is corrupt: " + ex.Message));
            }

            _total += read;
            if (_total > limit)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the message inflates to more than {limit} bytes (max_recv_msg_size_mib)"));
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
