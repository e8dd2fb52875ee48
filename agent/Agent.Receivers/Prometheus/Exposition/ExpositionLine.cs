namespace Agent.Receivers.Prometheus.Exposition;

/// <summary>What one line of an exposition holds.</summary>
public enum LineKind
{
    /// <summary>A sample: name, labels, value and maybe a timestamp.</summary>
    Sample,

    /// <summary><c># TYPE name type</c>.</summary>
    Type,

    /// <summary><c># HELP name text</c>.</summary>
    Help,

    /// <summary><c># UNIT name unit</c> (OpenMetrics).</summary>
    Unit,

    /// <summary><c># EOF</c>, the OpenMetrics end marker.</summary>
    Eof,

    /// <summary>A line that does not follow the format; <see cref="ExpositionReader.Error"/> says why.</summary>
    Invalid,
}

/// <summary>Why a line was refused; also the <c>reason</c> label of the count of bad lines.</summary>
public enum LineError
{
    None,
    BadMetricName,
    BadLabels,
    BadValue,
    BadTimestamp,
    BadUtf8,
    BadComment,
    TooManyLabels,
    AfterEof,
}

/// <summary>One label of a sample, as offsets into the exposition's bytes.</summary>
/// <param name="NameStart">Where the label name starts.</param>
/// <param name="NameLength">Its length in bytes.</param>
/// <param name="ValueStart">Where the value starts, after the opening quote.</param>
/// <param name="ValueLength">The value's length in bytes, escapes included.</param>
/// <param name="Escaped">True when the value holds a backslash escape and must be unescaped.</param>
internal readonly record struct LabelSpan(int NameStart, int NameLength, int ValueStart, int ValueLength, bool Escaped);
