using System.Text;
using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Finds the level, trace id and span id in JSON lines (<c>{"level":"info","trace_id":"..."}</c>) and logfmt lines
/// (<c>level=info trace_id=...</c>) in one pass, recording offsets only. Trace and span ids count only when they
/// are 32 and 16 hex digits.
/// </summary>
internal sealed class FieldExtractor
{
    private static readonly System.Buffers.SearchValues<byte> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF"u8);

    private readonly byte[][] _levelKeys;
    private readonly byte[][] _traceIdKeys;
    private readonly byte[][] _spanIdKeys;

    // Most keys of a line are none of ours: their length or first byte tells so without comparing.
    private readonly bool[] _keyStarts = new bool[256];
    private readonly ulong _keyLengths;

    public FieldExtractor(ExtractOptions options)
    {
        _levelKeys = options.Level ? Encode(options.LevelKeys) : [];
        _traceIdKeys = options.TraceId ? Encode(options.TraceIdKeys) : [];
        _spanIdKeys = options.SpanId ? Encode(options.SpanIdKeys) : [];
        Enabled = _levelKeys.Length + _traceIdKeys.Length + _spanIdKeys.Length > 0;
        foreach (byte[] key in _levelKeys.Concat(_traceIdKeys).Concat(_spanIdKeys))
        {
            _keyLengths |= 1UL << key.Length;
            _keyStarts[key[0]] = true;
        }
    }

    public bool Enabled { get; }

    /// <summary>Fills the field offsets of <paramref name="entry"/>; <paramref name="baseOffset"/> is where <paramref name="line"/> starts in the chunk.</summary>
    public void Extract(ReadOnlySpan<byte> line, int baseOffset, ref RawLogEntry entry)
    {
        if (!Enabled || line.IsEmpty)
        {
            return;
        }

        var state = new Found(_levelKeys.Length == 0, _traceIdKeys.Length == 0, _spanIdKeys.Length == 0);
        int first = line.IndexOfAnyExcept(" \t"u8);
        if (first >= 0 && line[first] == '{')
        {
            ScanJson(line, baseOffset, ref entry, ref state);
        }
        else if (line.Contains((byte)'='))
        {
            ScanLogfmt(line, baseOffset, ref entry, ref state);
        }
    }

    // The scans below are plain byte loops: on lines of a few hundred bytes they beat vectorised searches, whose
    // set-up costs more than the few bytes each call would look at (quoted strings excepted, see StringEnd).
    private void ScanJson(ReadOnlySpan<byte> line, int baseOffset, ref RawLogEntry entry, ref Found state)
    {
        int i = 0;
        while (!state.All)
        {
            while (i < line.Length && line[i] != '"')
            {
                i++;
            }

            int keyStart = i + 1;
            int keyEnd = StringEnd(line, keyStart);
            if (keyEnd < 0)
            {
                return;
            }

            int after = SkipSpaces(line, keyEnd + 1);
            if (after >= line.Length || line[after] != ':')
            {
                // It was a string value, not a key.
                i = keyEnd + 1;
                continue;
            }

            int valueStart = SkipSpaces(line, after + 1);
            if (valueStart >= line.Length || line[valueStart] != '"')
            {
                i = after + 1;
                continue;
            }

            int valueEnd = StringEnd(line, valueStart + 1);
            if (valueEnd < 0)
            {
                return;
            }

            Offer(line[keyStart..keyEnd], line[(valueStart + 1)..valueEnd], baseOffset + valueStart + 1, ref entry, ref state);
            i = valueEnd + 1;
        }
    }

    private void ScanLogfmt(ReadOnlySpan<byte> line, int baseOffset, ref RawLogEntry entry, ref Found state)
    {
        int i = 0;
        while (!state.All && i < line.Length)
        {
            int keyStart = i;
            while (i < line.Length && line[i] != '=' && line[i] != ' ')
            {
                i++;
            }

            if (i >= line.Length)
            {
                return;
            }

            if (line[i] == ' ')
            {
                // A word without a value.
                i++;
                continue;
            }

            int equals = i++;
            int valueStart = i;
            int valueEnd;
            if (i < line.Length && line[i] == '"')
            {
                valueStart = i + 1;
                valueEnd = StringEnd(line, valueStart);
                if (valueEnd < 0)
                {
                    return;
                }

                i = valueEnd + 1;
            }
            else
            {
                while (i < line.Length && line[i] != ' ')
                {
                    i++;
                }

                valueEnd = i;
            }

            Offer(line[keyStart..equals], line[valueStart..valueEnd], baseOffset + valueStart, ref entry, ref state);
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }
        }
    }

    private void Offer(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, int valueOffset, ref RawLogEntry entry, ref Found state)
    {
        if (key.IsEmpty || key.Length >= 64 || (_keyLengths & (1UL << key.Length)) == 0 || !_keyStarts[key[0]])
        {
            return;
        }

        if (!state.Level && Matches(_levelKeys, key) && !value.IsEmpty)
        {
            state.Level = true;
            entry.LevelOffset = valueOffset;
            entry.LevelLength = value.Length;
            entry.SeverityNumber = Severity.FromLevel(value);
        }
        else if (!state.TraceId && Matches(_traceIdKeys, key) && IsHex(value, 32))
        {
            state.TraceId = true;
            entry.TraceIdOffset = valueOffset;
            entry.TraceIdLength = value.Length;
        }
        else if (!state.SpanId && Matches(_spanIdKeys, key) && IsHex(value, 16))
        {
            state.SpanId = true;
            entry.SpanIdOffset = valueOffset;
            entry.SpanIdLength = value.Length;
        }
    }

    private static bool Matches(byte[][] keys, ReadOnlySpan<byte> key)
    {
        foreach (byte[] candidate in keys)
        {
            if (key.SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHex(ReadOnlySpan<byte> value, int length) =>
        value.Length == length && !value.ContainsAnyExcept(HexDigits);

    /// <summary>The index of the quote that ends a string starting at <paramref name="start"/>, or -1.</summary>
    /// <remarks>
    /// Unlike keys, quoted values are often long (a message): a vectorised search for the quote or an escape pays
    /// here, where it would not per short token.
    /// </remarks>
    private static int StringEnd(ReadOnlySpan<byte> line, int start)
    {
        int i = start;
        while (i < line.Length)
        {
            int found = line[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (found < 0)
            {
                return -1;
            }

            i += found;
            if (line[i] == '"')
            {
                return i;
            }

            // A backslash escapes the byte after it, which may be a quote.
            i += 2;
        }

        return -1;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> line, int i)
    {
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        return i;
    }

    private static byte[][] Encode(List<string> keys) => keys.Select(Encoding.UTF8.GetBytes).ToArray();

    private struct Found(bool level, bool traceId, bool spanId)
    {
        public bool Level = level;
        public bool TraceId = traceId;
        public bool SpanId = spanId;

        public readonly bool All => Level && TraceId && SpanId;
    }
}
