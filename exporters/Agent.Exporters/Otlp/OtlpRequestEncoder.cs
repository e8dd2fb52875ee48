using System.IO.Compression;
using Agent.Core.Consumers;
using Agent.Core.Memory;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Google.Protobuf;

namespace Agent.Exporters.Otlp;

/// <summary>
/// Encodes a batch as one OTLP export request (protobuf, gzipped when <paramref name="gzip"/>), once. OTLP keeps
/// no order between requests, so there is no partition key: any consumer sends any request. A batch whose records
/// are still encoded is written as it is: its scopes go out as the bytes they arrived in.
/// </summary>
public sealed class OtlpRequestEncoder<TBatch>(Func<TBatch, IMessage> message, bool gzip) : IRequestEncoder<TBatch>, IHandlesEncodedRecords
    where TBatch : Batch
{
    public bool Partitioned => false;

    public bool HandlesEncodedRecords => true;

    public void Encode(TBatch batch, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        var request = message(batch);
        int size = request.CalculateSize();
        byte[] plain = HandOffPool<byte>.Shared.Rent(Math.Max(size, 1));
        request.WriteTo(plain.AsSpan(0, size));
        if (!gzip)
        {
            requests.Add(ExportRequest.FromRented(batch.Signal, batch.ItemCount, plain, size, OtlpProtobuf.ContentType));
            return;
        }

        try
        {
            requests.Add(Compressed(batch, plain.AsSpan(0, size)));
        }
        finally
        {
            HandOffPool<byte>.Shared.Return(plain);
        }
    }

    private static ExportRequest Compressed(TBatch batch, ReadOnlySpan<byte> plain)
    {
        using var compressed = new PooledWriteStream(Math.Max(plain.Length / 4, 64));
        using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zip.Write(plain);
        }

        return compressed.ToRequest(batch.Signal, batch.ItemCount, OtlpProtobuf.ContentType, OtlpClientOptions.Gzip);
    }
}
