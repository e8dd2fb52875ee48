using System.Text.Unicode;

namespace Agent.Receivers.Prometheus.Exposition;

/// <summary>
/// Reads a scraped exposition (the Prometheus text format 0.0.4 or OpenMetrics 1.0) line by line, straight from
/// its UTF-8 bytes: a line's name, labels and text are offsets into those bytes, labels go into a caller's scratch
/// span, so reading allocates nothing. A line that breaks the format comes back as <see cref="LineKind.Invalid"/>
/// with its <see cref="Error"/> and the reader goes on with the next one; it never throws on input. Exemplars are
/// checked for shape and skipped. Plain comments (text format) and blank lines are skipped.
/// </summary>
internal ref struct ExpositionReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly Span<LabelSpan> _scratch;
    private readonly bool _openMetrics;
    private int _next;
    private int _lineStart;
    private int _lineEnd;
    private int _nameStart;
    private int _nameLength;
    private int _seriesEnd;
    private int _textStart;
    private int _textLength;
    private int _labelCount;

    public ExpositionReader(ReadOnlySpan<byte> data, ExpositionFormat format, Span<LabelSpan> labelScratch)
    {
        _data = data;
        _scratch = labelScratch;
        _openMetrics = format == ExpositionFormat.OpenMetrics;
    }

    public LineKind Kind { get; private set; }

    public LineError Error { get; private set; }

    /// <summary>The 1-based number of the current line, for logs.</summary>
    public int LineNumber { get; private set; }

    /// <summary>True once an OpenMetrics <c># EOF</c> was read.</summary>
    public bool SawEof { get; private set; }

    /// <summary>The bytes the label offsets point into.</summary>
    public readonly ReadOnlySpan<byte> Data => _data;

    /// <summary>The current line, for logs.</summary>
    public readonly ReadOnlySpan<byte> LineBytes => _data[_lineStart.._lineEnd];

    /// <summary>The metric (family) name of a sample or a <c># TYPE/HELP/UNIT</c> line.</summary>
    public readonly ReadOnlySpan<byte> Name => _data.Slice(_nameStart, _nameLength);

    /// <summary>A sample's name and labels as written: the same bytes in every scrape for the same series.</summary>
    public readonly ReadOnlySpan<byte> SeriesBytes => _data[_nameStart.._seriesEnd];

    /// <summary>The type word, help text (escaped) or unit of a comment line.</summary>
    public readonly ReadOnlySpan<byte> Text => _data.Slice(_textStart, _textLength);

    public readonly ReadOnlySpan<LabelSpan> Labels => _scratch[.._labelCount];

    public double Value { get; private set; }

    public bool HasTimestamp { get; private set; }

    /// <summary>The sample's timestamp in milliseconds since the epoch (OpenMetrics' seconds converted).</summary>
    public long TimestampMs { get; private set; }

    /// <summary>Moves to the next line that says something; false at the end of the data.</summary>
    public bool Read()
    {
        while (_next < _data.Length)
        {
            _lineStart = _next;
            int newline = _data[_next..].IndexOf((byte)'\n');
            _lineEnd = newline < 0 ? _data.Length : _next + newline;
            _next = newline < 0 ? _data.Length : _lineEnd + 1;
            LineNumber++;
            var line = _data[_lineStart.._lineEnd];
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            Error = LineError.None;
            HasTimestamp = false;
            _labelCount = 0;
            if (SawEof)
            {
                return Fail(LineError.AfterEof);
            }

            if (line.IsEmpty || (!_openMetrics && line.TrimStart(" \t"u8).IsEmpty))
            {
                if (_openMetrics && newline >= 0)
                {
                    return Fail(LineError.BadComment);
                }

                continue;
            }

            if (!_openMetrics && line[0] is (byte)' ' or (byte)'\t')
            {
                // The text format lets a line start with blanks.
                int blanks = SkipBlanks(line, 0);
                _lineStart += blanks;
                line = line[blanks..];
            }

            if (line[0] == (byte)'#')
            {
                if (ReadComment(line))
                {
                    return true;
                }

                continue;
            }

            ReadSample(line);
            return true;
        }

        return false;
    }

    private bool Fail(LineError error)
    {
        Kind = LineKind.Invalid;
        Error = error;
        return true;
    }

    /// <summary>True when the comment is a line the caller sees (a directive or an error); false for a plain comment.</summary>
    private bool ReadComment(ReadOnlySpan<byte> line)
    {
        int at = 1;
        int spaces = SkipBlanks(line, at);
        if (_openMetrics && spaces != at + 1)
        {
            return Fail(LineError.BadComment);
        }

        at = spaces;
        int wordEnd = at;
        while (wordEnd < line.Length && line[wordEnd] is not ((byte)' ' or (byte)'\t'))
        {
            wordEnd++;
        }

        var word = line[at..wordEnd];
        LineKind kind;
        if (word.SequenceEqual("TYPE"u8))
        {
            kind = LineKind.Type;
        }
        else if (word.SequenceEqual("HELP"u8))
        {
            kind = LineKind.Help;
        }
        else if (_openMetrics && word.SequenceEqual("UNIT"u8))
        {
            kind = LineKind.Unit;
        }
        else if (_openMetrics && word.SequenceEqual("EOF"u8) && wordEnd == line.Length)
        {
            SawEof = true;
            Kind = LineKind.Eof;
            return true;
        }
        else
        {
            // The text format allows any other comment; OpenMetrics allows none.
            return _openMetrics && Fail(LineError.BadComment);
        }

        at = SkipBlanks(line, wordEnd);
        int nameEnd = MetricNameEnd(line, at);
        if (at == wordEnd || nameEnd == at)
        {
            return Fail(LineError.BadMetricName);
        }

        SetName(at, nameEnd - at);
        int textStart = nameEnd < line.Length ? nameEnd + 1 : nameEnd;
        if (nameEnd < line.Length && line[nameEnd] is not ((byte)' ' or (byte)'\t'))
        {
            return Fail(LineError.BadMetricName);
        }

        int textEnd = line.Length;
        if (kind != LineKind.Help)
        {
            textStart = SkipBlanks(line, textStart);
            while (textEnd > textStart && line[textEnd - 1] is (byte)' ' or (byte)'\t')
            {
                textEnd--;
            }
        }

        var text = line[textStart..textEnd];
        if (kind == LineKind.Type && !IsTypeWord(text))
        {
            return Fail(LineError.BadComment);
        }

        if (!Utf8.IsValid(text))
        {
            return Fail(LineError.BadUtf8);
        }

        _textStart = _lineStart + textStart;
        _textLength = text.Length;
        Kind = kind;
        return true;
    }

    private void ReadSample(ReadOnlySpan<byte> line)
    {
        int nameEnd = MetricNameEnd(line, 0);
        if (nameEnd == 0)
        {
            Fail(LineError.BadMetricName);
            return;
        }

        SetName(0, nameEnd);
        int brace = _openMetrics ? nameEnd : SkipBlanks(line, nameEnd);
        int at = nameEnd;
        if (brace < line.Length && line[brace] == (byte)'{')
        {
            at = ReadLabels(line, brace + 1);
            if (at < 0)
            {
                return;
            }
        }

        _seriesEnd = _lineStart + at;

        int valueStart = SkipBlanks(line, at);
        if (valueStart == at || valueStart == line.Length)
        {
            Fail(LineError.BadValue);
            return;
        }

        int valueEnd = TokenEnd(line, valueStart);
        if (!SampleValues.TryParseFloat(line[valueStart..valueEnd], out double value))
        {
            Fail(LineError.BadValue);
            return;
        }

        Value = value;
        at = SkipBlanks(line, valueEnd);
        if (at < line.Length && line[at] != (byte)'#')
        {
            int stampEnd = TokenEnd(line, at);
            if (!TryTimestamp(line[at..stampEnd], out long stamp))
            {
                Fail(LineError.BadTimestamp);
                return;
            }

            HasTimestamp = true;
            TimestampMs = stamp;
            at = SkipBlanks(line, stampEnd);
        }

        if (at < line.Length && !(_openMetrics && SkipExemplar(line, at)))
        {
            Fail(LineError.BadTimestamp);
            return;
        }

        Kind = LineKind.Sample;
    }

    /// <summary>Reads <c>name="value",...}</c>; returns the offset after the brace, or -1 after failing the line.</summary>
    private int ReadLabels(ReadOnlySpan<byte> line, int at)
    {
        while (true)
        {
            at = SkipBlanks(line, at);
            if (at < line.Length && line[at] == (byte)'}')
            {
                return at + 1;
            }

            int nameEnd = LabelNameEnd(line, at);
            if (nameEnd == at)
            {
                Fail(LineError.BadLabels);
                return -1;
            }

            int equals = SkipBlanks(line, nameEnd);
            int quote = equals < line.Length && line[equals] == (byte)'=' ? SkipBlanks(line, equals + 1) : -1;
            if (quote < 0 || quote >= line.Length || line[quote] != (byte)'"')
            {
                Fail(LineError.BadLabels);
                return -1;
            }

            int valueStart = quote + 1;
            int end = valueStart;
            bool escaped = false;
            while (end < line.Length && line[end] != (byte)'"')
            {
                if (line[end] == (byte)'\\')
                {
                    escaped = true;
                    end++;
                }

                end++;
            }

            if (end >= line.Length)
            {
                Fail(LineError.BadLabels);
                return -1;
            }

            if (!Utf8.IsValid(line[valueStart..end]))
            {
                Fail(LineError.BadUtf8);
                return -1;
            }

            if (!AddLabel(new LabelSpan(_lineStart + at, nameEnd - at, _lineStart + valueStart, end - valueStart, escaped)))
            {
                return -1;
            }

            at = SkipBlanks(line, end + 1);
            if (at < line.Length && line[at] == (byte)',')
            {
                at++;
            }
            else if (at >= line.Length || line[at] != (byte)'}')
            {
                Fail(LineError.BadLabels);
                return -1;
            }
        }
    }

    private bool AddLabel(LabelSpan label)
    {
        if (_labelCount == _scratch.Length)
        {
            Fail(LineError.TooManyLabels);
            return false;
        }

        var name = _data.Slice(label.NameStart, label.NameLength);
        foreach (var other in _scratch[.._labelCount])
        {
            if (_data.Slice(other.NameStart, other.NameLength).SequenceEqual(name))
            {
                // Prometheus refuses a sample that names a label twice.
                Fail(LineError.BadLabels);
                return false;
            }
        }

        _scratch[_labelCount++] = label;
        return true;
    }

    private readonly bool TryTimestamp(ReadOnlySpan<byte> token, out long milliseconds)
    {
        if (!_openMetrics)
        {
            return System.Buffers.Text.Utf8Parser.TryParse(token, out milliseconds, out int used) && used == token.Length;
        }

        milliseconds = 0;
        if (!SampleValues.TryParseFloat(token, out double seconds) || !double.IsFinite(seconds) || Math.Abs(seconds) > 9.2e15)
        {
            return false;
        }

        milliseconds = (long)Math.Round(seconds * 1000);
        return true;
    }

    /// <summary>An OpenMetrics exemplar: <c># {labels} value [timestamp]</c>; checked for shape, then left out.</summary>
    private static bool SkipExemplar(ReadOnlySpan<byte> line, int at)
    {
        at = SkipBlanks(line, at + 1);
        if (at >= line.Length || line[at] != (byte)'{')
        {
            return false;
        }

        bool quoted = false;
        for (at++; at < line.Length; at++)
        {
            byte b = line[at];
            if (b == (byte)'\\' && quoted)
            {
                at++;
            }
            else if (b == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (b == (byte)'}' && !quoted)
            {
                break;
            }
        }

        int valueStart = SkipBlanks(line, at + 1);
        if (at >= line.Length || valueStart >= line.Length)
        {
            return false;
        }

        int valueEnd = TokenEnd(line, valueStart);
        if (!SampleValues.TryParseFloat(line[valueStart..valueEnd], out _))
        {
            return false;
        }

        int stamp = SkipBlanks(line, valueEnd);
        if (stamp == line.Length)
        {
            return true;
        }

        int stampEnd = TokenEnd(line, stamp);
        return SampleValues.TryParseFloat(line[stamp..stampEnd], out _) && SkipBlanks(line, stampEnd) == line.Length;
    }

    private void SetName(int start, int length)
    {
        _nameStart = _lineStart + start;
        _nameLength = length;
    }

    private static bool IsTypeWord(ReadOnlySpan<byte> word) =>
        word.SequenceEqual("counter"u8) || word.SequenceEqual("gauge"u8) || word.SequenceEqual("histogram"u8) ||
        word.SequenceEqual("summary"u8) || word.SequenceEqual("untyped"u8) || word.SequenceEqual("unknown"u8) ||
        word.SequenceEqual("gaugehistogram"u8) || word.SequenceEqual("info"u8) || word.SequenceEqual("stateset"u8);

    private static int SkipBlanks(ReadOnlySpan<byte> line, int at)
    {
        while (at < line.Length && line[at] is (byte)' ' or (byte)'\t')
        {
            at++;
        }

        return at;
    }

    private static int TokenEnd(ReadOnlySpan<byte> line, int at)
    {
        while (at < line.Length && line[at] is not ((byte)' ' or (byte)'\t'))
        {
            at++;
        }

        return at;
    }

    /// <summary>The end of a metric name <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c> starting at <paramref name="at"/>; at itself when none.</summary>
    private static int MetricNameEnd(ReadOnlySpan<byte> line, int at)
    {
        int end = at;
        while (end < line.Length && (IsNameStart(line[end]) || line[end] == (byte)':' || (end > at && char.IsAsciiDigit((char)line[end]))))
        {
            end++;
        }

        return end;
    }

    /// <summary>The end of a label name <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    private static int LabelNameEnd(ReadOnlySpan<byte> line, int at)
    {
        int end = at;
        while (end < line.Length && (IsNameStart(line[end]) || (end > at && char.IsAsciiDigit((char)line[end]))))
        {
            end++;
        }

        return end;
    }

    private static bool IsNameStart(byte b) => char.IsAsciiLetter((char)b) || b == (byte)'_';
}
