using System.Buffers;
using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Traces;

/// <summary>
/// Counts the spans of an <c>ExportTraceServiceRequest</c> on the wire:
/// resource_spans = 1 → ResourceSpans.scope_spans = 2 → ScopeSpans.spans = 2.
/// </summary>
internal static class OtlpSpanCounter
{
    public static long Count(ReadOnlySequence<byte> request)
    {
        if (request.IsSingleSegment)
        {
            return Count(request.FirstSpan);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent((int)request.Length);
        try
        {
            request.CopyTo(copy);
            return Count(copy.AsSpan(0, (int)request.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    public static long Count(ReadOnlySpan<byte> request)
    {
        long spans = 0;
        int position = 0;
        while (position < request.Length)
        {
            var (field, wire) = ProtobufWire.ReadTag(request, ref position);
            if (field == 1 && wire == ProtobufWire.LengthDelimited)
            {
                spans += CountResource(ProtobufWire.ReadLengthDelimited(request, ref position));
            }
            else
            {
                ProtobufWire.Skip(request, ref position, wire);
            }
        }

        return spans;
    }

    private static long CountResource(ReadOnlySpan<byte> resourceSpans)
    {
        long spans = 0;
        int position = 0;
        while (position < resourceSpans.Length)
        {
            var (field, wire) = ProtobufWire.ReadTag(resourceSpans, ref position);
            if (field == 2 && wire == ProtobufWire.LengthDelimited)
            {
                spans += ProtobufWire.CountField(ProtobufWire.ReadLengthDelimited(resourceSpans, ref position), field: 2);
            }
            else
            {
                ProtobufWire.Skip(resourceSpans, ref position, wire);
            }
        }

        return spans;
    }
}
