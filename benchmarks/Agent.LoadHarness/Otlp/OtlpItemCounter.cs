using System.Buffers;
using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Otlp;

/// <summary>
/// Counts the items of an OTLP export request on the wire, without building the generated objects. Both signals
/// nest the same way: request.resource_* = 1 → Resource*.scope_* = 2 → Scope*.{spans | metrics} = 2; a metric's
/// points sit one level further down, in the data_points (field 1) of its gauge, sum, histogram, exponential
/// histogram or summary.
/// </summary>
internal static class OtlpItemCounter
{
    private static readonly int[] MetricDataFields = [5, 7, 9, 10, 11];

    public static long Count(ReadOnlySequence<byte> request, Func<ReadOnlySpan<byte>, long> count)
    {
        if (request.IsSingleSegment)
        {
            return count(request.FirstSpan);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent((int)request.Length);
        try
        {
            request.CopyTo(copy);
            return count(copy.AsSpan(0, (int)request.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public static long CountSpans(ReadOnlySpan<byte> request) =>
        SumOver(request, 1, resource => SumOver(resource, 2, scope => ProtobufWire.CountField(scope, field: 2)));

    public static long CountDataPoints(ReadOnlySpan<byte> request) =>
        SumOver(request, 1, resource => SumOver(resource, 2, scope => SumOver(scope, 2, CountMetricPoints)));

    private static long CountMetricPoints(ReadOnlySpan<byte> metric)
    {
        long points = 0;
        foreach (int field in MetricDataFields)
        {
            points += SumOver(metric, field, data => ProtobufWire.CountField(data, field: 1));
        }

        return points;
    }

    /// <summary>Adds up <paramref name="count"/> over every length-delimited occurrence of <paramref name="field"/>.</summary>
    private static long SumOver(ReadOnlySpan<byte> message, int field, Func<ReadOnlySpan<byte>, long> count)
    {
        long total = 0;
        int position = 0;
        while (position < message.Length)
        {
            var (number, wire) = ProtobufWire.ReadTag(message, ref position);
            if (number == field && wire == ProtobufWire.LengthDelimited)
            {
                total += count(ProtobufWire.ReadLengthDelimited(message, ref position));
            }
            else
            {
                ProtobufWire.Skip(message, ref position, wire);
            }
        }

        return total;
    }
}
