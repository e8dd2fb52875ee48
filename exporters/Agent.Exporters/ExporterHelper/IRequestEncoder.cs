using Agent.Core.Model;

namespace Agent.Exporters.ExporterHelper;

/// <summary>Turns a batch into the requests that carry it, once, when the batch is accepted.</summary>
public interface IRequestEncoder<in TBatch>
    where TBatch : Batch
{
    /// <summary>True when requests carry a partition key whose order must hold; false lets any consumer send any request.</summary>
    bool Partitioned { get; }

    /// <summary>
    /// Appends the requests for <paramref name="batch"/> to <paramref name="requests"/>. A partitioned encoder may
    /// put data of several keys into one request when <paramref name="partitioner"/> maps them to the same shard.
    /// </summary>
    void Encode(TBatch batch, RequestPartitioner partitioner, List<ExportRequest> requests);
}
