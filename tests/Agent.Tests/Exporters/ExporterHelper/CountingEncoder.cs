using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Otlp;
using Google.Protobuf;

namespace Agent.Tests.Exporters.ExporterHelper;

/// <summary>
/// Encodes a batch as OTLP protobuf into <see cref="Parts"/> requests (the items spread over them, part i of a batch
/// keyed <see cref="KeyOf"/>(batch, i) when partitioned), counting its calls so a test can tell a retry did not
/// encode again.
/// </summary>
internal sealed class CountingEncoder<TBatch>(Func<TBatch, IMessage> message, bool partitioned = false) : IRequestEncoder<TBatch>
    where TBatch : Batch
{
    private readonly OtlpRequestEncoder<TBatch> _otlp = new(message, gzip: false);
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public int Parts { get; init; } = 1;

    public Func<TBatch, int, ulong> KeyOf { get; init; } = (_, part) => (ulong)part;

    public bool Partitioned => partitioned;

    public void Encode(TBatch batch, RequestPartitioner partitioner, List<ExportRequest> requests)
    {
        Interlocked.Increment(ref _calls);
        if (Parts == 1 && !partitioned)
        {
            _otlp.Encode(batch, partitioner, requests);
            return;
        }

        var body = message(batch).ToByteArray();
        for (int part = 0; part < Parts; part++)
        {
            int items = (batch.ItemCount / Parts) + (part < batch.ItemCount % Parts ? 1 : 0);
            requests.Add(new ExportRequest(batch.Signal, items, body) { PartitionKey = partitioned ? KeyOf(batch, part) : null });
        }
    }
}
