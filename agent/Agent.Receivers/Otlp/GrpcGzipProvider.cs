using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Agent.Receivers.Otlp;

/// <summary>
/// gzip for gRPC messages with a ceiling: the stock provider inflates a message completely before any size check,
/// so a few kilobytes of gzip could grow to gigabytes. This one fails with RESOURCE_EXHAUSTED as soon as the
/// inflated size passes the receive limit, and with INVALID_ARGUMENT on corrupt data.
/// </summary>
internal sealed class GrpcGzipProvider(long limit, Action onCorrupt) : ICompressionProvider
{
    public string EncodingName => "gzip";

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        new GZipStream(stream, compressionLevel ?? CompressionLevel.Fastest, leaveOpen: true);

    public Stream CreateDecompressionStream(Stream stream) =>
        new CappedStream(new GZipStream(stream, CompressionMode.Decompress), limit, onCorrupt);

    private sealed class CappedStream(Stream inner, long limit, Action onCorrupt) : Stream
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
            catch (InvalidDataException ex)
            {
                onCorrupt();
                throw new RpcException(new Status(StatusCode.InvalidArgument, "the gzip-compressed message is corrupt: " + ex.Message));
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
