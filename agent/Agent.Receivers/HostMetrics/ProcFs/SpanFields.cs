using System.Buffers.Text;

namespace Agent.Receivers.HostMetrics.ProcFs;

/// <summary>
/// The whitespace-separated fields of one line, read left to right, with number parsing that never throws:
/// a field that is missing or not a number makes the <c>TryNext…</c> call return false, so a truncated or garbled
/// line is noticed where it is read.
/// </summary>
internal ref struct SpanFields(ReadOnlySpan<byte> line)
{
    // A one-value file (sysfs) ends in a newline: it separates like a blank.
    private static ReadOnlySpan<byte> Blanks => " \t\n\r"u8;

    private ReadOnlySpan<byte> _rest = line;

    public bool TryNext(out ReadOnlySpan<byte> field)
    {
        _rest = _rest.TrimStart(Blanks);
        if (_rest.IsEmpty)
        {
            field = default;
            return false;
        }

        int end = _rest.IndexOfAny(Blanks);
        field = end < 0 ? _rest : _rest[..end];
        _rest = end < 0 ? default : _rest[end..];
        return true;
    }

    public bool TryNextUInt64(out ulong value)
    {
        value = 0;
        return TryNext(out var field) && Utf8Parser.TryParse(field, out value, out int used) && used == field.Length;
    }

    public bool TryNextDouble(out double value)
    {
        value = 0;
        return TryNext(out var field) && Utf8Parser.TryParse(field, out value, out int used) && used == field.Length;
    }

    /// <summary>Skips <paramref name="count"/> fields; false when the line has fewer.</summary>
    public bool Skip(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (!TryNext(out _))
            {
                return false;
            }
        }

        return true;
    }
}
