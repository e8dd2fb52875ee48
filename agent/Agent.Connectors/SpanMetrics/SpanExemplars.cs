using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>
/// The most recent spans of one series since the last flush, kept as a ring of fixed size: recording one stores
/// references to the span's id byte strings and two numbers, and allocates nothing.
/// </summary>
internal sealed class SpanExemplars
{
    private readonly Slot[] _slots;
    private int _next;
    private int _count;

    public SpanExemplars(int size) => _slots = new Slot[size];

    public void Record(ByteString traceId, ByteString spanId, double value, ulong timeUnixNano)
    {
        _slots[_next] = new Slot(traceId, spanId, value, timeUnixNano);
        _next = (_next + 1) % _slots.Length;
        _count = Math.Min(_count + 1, _slots.Length);
    }

    /// <summary>Writes the kept spans, oldest first, and starts afresh: a flush reports only what came since the last.</summary>
    public void MoveTo(RepeatedField<Exemplar> exemplars)
    {
        int first = (_next - _count + _slots.Length) % _slots.Length;
        for (int i = 0; i < _count; i++)
        {
            var slot = _slots[(first + i) % _slots.Length];
            exemplars.Add(new Exemplar { TraceId = slot.TraceId, SpanId = slot.SpanId, AsDouble = slot.Value, TimeUnixNano = slot.TimeUnixNano });
        }

        Array.Clear(_slots);
        _next = 0;
        _count = 0;
    }

    private readonly record struct Slot(ByteString TraceId, ByteString SpanId, double Value, ulong TimeUnixNano);
}
