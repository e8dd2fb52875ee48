namespace Agent.Receivers.HostMetrics.ProcFs;

/// <summary>The lines of a file's bytes, without their <c>\n</c>, as spans: <c>foreach (var line in new SpanLines(bytes))</c>.</summary>
internal ref struct SpanLines(ReadOnlySpan<byte> content)
{
    private ReadOnlySpan<byte> _rest = content;

    public ReadOnlySpan<byte> Current { get; private set; }

    public readonly SpanLines GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_rest.IsEmpty)
        {
            return false;
        }

        int end = _rest.IndexOf((byte)'\n');
        if (end < 0)
        {
            Current = _rest;
            _rest = default;
        }
        else
        {
            Current = _rest[..end];
            _rest = _rest[(end + 1)..];
        }

        return true;
    }
}
