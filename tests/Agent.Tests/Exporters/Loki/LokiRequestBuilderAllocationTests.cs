using Agent.Core.Model;
using Agent.Exporters.Loki;
using Agent.Tests.Support;
using static Agent.Tests.Exporters.Loki.LokiTestData;

namespace Agent.Tests.Exporters.Loki;

/// <summary>
/// Encoding a push allocates nothing per line. Its buffers come from pools shared by the whole process, so this runs
/// alone: a test running beside it could take the very array a push returned, and the next push would then allocate
/// one, which says nothing of the encoder.
/// </summary>
[Collection(AloneCollection.Name)]
public class LokiRequestBuilderAllocationTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Theory]
    [InlineData(LokiEncoding.Protobuf, LokiLineFormat.Raw)]
    [InlineData(LokiEncoding.Protobuf, LokiLineFormat.Json)]
    [InlineData(LokiEncoding.Protobuf, LokiLineFormat.Logfmt)]
    [InlineData(LokiEncoding.Json, LokiLineFormat.Raw)]
    public void Encoding_raw_chunks_allocates_nothing_per_line(LokiEncoding encoding, LokiLineFormat format)
    {
        var options = new LokiExporterOptions { Encoding = encoding, Format = format };
        using var builder = new LokiRequestBuilder(new LokiLabelMapper(options), options);
        using var small = Chunk(PodResource(), Lines(100));
        using var large = Chunk(PodResource(), Lines(2000));
        var smallBatch = new LogsBatch();
        smallBatch.Raw.Add(small);
        var largeBatch = new LogsBatch();
        largeBatch.Raw.Add(large);
        for (int i = 0; i < 3; i++)
        {
            EncodeAll(builder, smallBatch);
            EncodeAll(builder, largeBatch);
        }

        long smallBytes = AllocatedBy(() => EncodeAll(builder, smallBatch));
        long largeBytes = AllocatedBy(() => EncodeAll(builder, largeBatch));

        // Twenty times the lines, the same allocation: what is left is per push (Snappier's compressor state).
        Assert.Equal(smallBytes, largeBytes);
        Assert.True(largeBytes <= 64, $"{largeBytes} bytes allocated for one push");
    }

    private static RawLine[] Lines(int count) => Enumerable.Range(0, count)
        .Select(i => new RawLine(BaseTime + i, $"2024-01-01T00:00:00Z INFO request {i} served trace_id={TraceId}", Severity: 9, TraceId: TraceId))
        .ToArray();

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void EncodeAll(LokiRequestBuilder builder, LogsBatch batch)
    {
        builder.Plan(batch);
        while (builder.TryBuildNext(out _))
        {
        }
    }
}
