using System.Globalization;
using Agent.Core.Memory;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Agent.Exporters.Loki.Encoding;
using Agent.Exporters.PrometheusRemoteWrite.Prompb;
using Agent.Exporters.Serialization;
using Snappier;
using Utf8 = System.Text.Encoding;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// Writes one shard's <c>prometheus.WriteRequest</c> bytes directly (field numbers of remote-write 1.0), without
/// message objects: each series is one <c>TimeSeries</c> with its sorted labels (<c>__name__</c> and a bucket's
/// <c>le</c> or a quantile's <c>quantile</c> merged in at their places) and one sample. <see cref="Finish"/>
/// snappy-compresses the body into a pooled request. The buffer is reused from one request to the next.
/// </summary>
internal sealed class WriteRequestWriter : IDisposable
{
    public const string MetricNameLabel = "__name__";
    private const int TimeseriesField = 1;
    private const int MetadataField = 3;
    private const int LabelsField = 1;
    private const int SamplesField = 2;

    private readonly PooledByteBuffer _body = new(16 * 1024);
    private readonly HashSet<string> _families = new(StringComparer.Ordinal);
    private readonly HashSet<(ulong Point, long Timestamp)> _points = [];

    /// <summary>Data points in the body (a histogram point is one point, however many series it makes).</summary>
    public int Points { get; set; }

    public int Length => _body.Length;

    public bool IsEmpty => _body.Length == 0;

    /// <summary>
    /// One series of one sample: <paramref name="labels"/> (sorted, unique, no <c>__name__</c>) plus the name and,
    /// when <paramref name="extraName"/> is set, that label with <paramref name="extraValue"/> formatted as
    /// Prometheus does (<c>+Inf</c>); the extra label replaces a point label of the same name. Returns the series'
    /// <c>Label</c> messages as written, valid until the next write, for the caller to keep.
    /// </summary>
    public ReadOnlySpan<byte> WriteSeries(ReadOnlySpan<LabelEntry> labels, string metricName, string? extraName, double extraValue, double value, long timestampMs)
    {
        Span<byte> extraText = stackalloc byte[32];
        int extraLength = extraName is null ? 0 : FormatValue(extraValue, extraText);

        // __name__ and the extra label are merged into the sorted labels at their places; a point label of the
        // same name gives way to them.
        int specials = extraName is null ? 1 : 2;
        bool extraFirst = extraName is not null && string.CompareOrdinal(extraName, MetricNameLabel) < 0;
        int written = 0;
        int start = _body.BeginLengthDelimited(TimeseriesField);
        int labelsStart = _body.Length;
        foreach (var label in labels)
        {
            bool replaced = false;
            while (written < specials)
            {
                bool isExtra = (written == 0) == extraFirst;
                string special = isExtra ? extraName! : MetricNameLabel;
                int order = string.CompareOrdinal(special, label.Name);
                if (order > 0)
                {
                    break;
                }

                WriteSpecial(isExtra, metricName, extraName, extraText[..extraLength]);
                replaced |= order == 0;
                written++;
            }

            if (!replaced)
            {
                WriteLabel(label.Name, label.Value);
            }
        }

        for (; written < specials; written++)
        {
            WriteSpecial((written == 0) == extraFirst, metricName, extraName, extraText[..extraLength]);
        }

        int labelsLength = _body.Length - labelsStart;
        WriteSample(value, timestampMs);
        _body.EndLengthDelimited(start);

        // Closing the series moved its content next to the length prefix; the labels sit just before the sample.
        int labelsEnd = _body.Length - SampleFieldSize(timestampMs);
        return _body.WrittenSpan[(labelsEnd - labelsLength)..labelsEnd];
    }

    /// <summary>
    /// One series whose <c>Label</c> messages are already encoded (as <see cref="WriteSeries(ReadOnlySpan{LabelEntry}, string, string?, double, double, long)"/>
    /// returned them): a cached series' next sample or its staleness marker. Its size is known, so nothing is moved.
    /// </summary>
    public void WriteSeries(ReadOnlySpan<byte> encodedLabels, double value, long timestampMs)
    {
        _body.WriteTag(TimeseriesField, 2);
        _body.WriteVarint((uint)(encodedLabels.Length + SampleFieldSize(timestampMs)));
        _body.WriteBytes(encodedLabels);
        WriteSample(value, timestampMs);
    }

    /// <summary>
    /// False when this request already holds the point of series <paramref name="pointKey"/> at
    /// <paramref name="timestampMs"/>: Prometheus refuses a second sample at one timestamp with a different value
    /// ("duplicate sample for timestamp") and answers the whole request 400, so the later point is left out.
    /// </summary>
    public bool TryClaim(ulong pointKey, long timestampMs) => _points.Add((pointKey, timestampMs));

    /// <summary>The family's metadata, once per request.</summary>
    public void AddMetadata(string family, MetricMetadata.Types.MetricType type, string help, string unit)
    {
        if (!_families.Add(family))
        {
            return;
        }

        int start = _body.BeginLengthDelimited(MetadataField);
        _body.WriteTag(1, 0);
        _body.WriteVarint((ulong)type);
        WriteString(2, family);
        if (help.Length > 0)
        {
            WriteString(4, help);
        }

        if (unit.Length > 0)
        {
            WriteString(5, unit);
        }

        _body.EndLengthDelimited(start);
    }

    /// <summary>The body so far as a snappy-compressed request on <paramref name="partitionKey"/>'s shard; the writer starts afresh.</summary>
    public ExportRequest Finish(ulong partitionKey)
    {
        byte[] rented = HandOffPool<byte>.Shared.Rent(Snappy.GetMaxCompressedLength(_body.Length));
        int length = Snappy.Compress(_body.WrittenSpan, rented);
        var request = ExportRequest.FromRented(Signal.Metrics, Points, rented, length, RemoteWriteSender.ContentType, partitionKey: partitionKey);
        Reset();
        return request;
    }

    /// <summary>The body as written, uncompressed (for tests and benchmarks).</summary>
    public ReadOnlySpan<byte> Uncompressed => _body.WrittenSpan;

    public void Reset()
    {
        _body.Clear();
        _families.Clear();
        _points.Clear();
        Points = 0;
    }

    public void Dispose() => _body.Dispose();

    /// <summary>A label value for a bound or quantile, as Prometheus writes it: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c> or the shortest round-trip form.</summary>
    public static int FormatValue(double value, Span<byte> into)
    {
        ReadOnlySpan<byte> special = double.IsPositiveInfinity(value) ? "+Inf"u8
            : double.IsNegativeInfinity(value) ? "-Inf"u8
            : double.IsNaN(value) ? "NaN"u8
            : default;
        if (!special.IsEmpty)
        {
            special.CopyTo(into);
            return special.Length;
        }

        return value.TryFormat(into, out int written, "R", CultureInfo.InvariantCulture) ? written : 0;
    }

    // Sample { double value = 1 (fixed64); int64 timestamp = 2 (varint) }: 9 bytes, a tag and the timestamp's varint.
    private static int SampleSize(long timestampMs) => 9 + 1 + PooledByteBuffer.VarintSize((ulong)timestampMs);

    private static int SampleFieldSize(long timestampMs) => PooledByteBuffer.LengthDelimitedSize(SampleSize(timestampMs));

    private void WriteSample(double value, long timestampMs)
    {
        int size = SampleSize(timestampMs);
        _body.WriteTag(SamplesField, 2);
        _body.WriteVarint((uint)size);
        _body.WriteTag(1, 1);
        var span = _body.GetSpan(8);
        BitConverter.TryWriteBytes(span, BitConverter.DoubleToInt64Bits(value));
        if (!BitConverter.IsLittleEndian)
        {
            span[..8].Reverse();
        }

        _body.Advance(8);
        _body.WriteTag(2, 0);
        _body.WriteVarint((ulong)timestampMs);
    }

    private void WriteSpecial(bool isExtra, string metricName, string? extraName, ReadOnlySpan<byte> extraText)
    {
        if (isExtra)
        {
            WriteLabel(extraName!, extraText);
        }
        else
        {
            WriteLabel(MetricNameLabel, metricName);
        }
    }

    private void WriteLabel(string name, string value)
    {
        int nameBytes = Utf8.UTF8.GetByteCount(name);
        int valueBytes = Utf8.UTF8.GetByteCount(value);
        _body.WriteTag(LabelsField, 2);
        _body.WriteVarint((uint)(PooledByteBuffer.LengthDelimitedSize(nameBytes) + PooledByteBuffer.LengthDelimitedSize(valueBytes)));
        WriteString(1, name, nameBytes);
        WriteString(2, value, valueBytes);
    }

    private void WriteLabel(string name, ReadOnlySpan<byte> value)
    {
        int nameBytes = Utf8.UTF8.GetByteCount(name);
        _body.WriteTag(LabelsField, 2);
        _body.WriteVarint((uint)(PooledByteBuffer.LengthDelimitedSize(nameBytes) + PooledByteBuffer.LengthDelimitedSize(value.Length)));
        WriteString(1, name, nameBytes);
        _body.WriteLengthDelimited(2, value);
    }

    private void WriteString(int field, string text) => WriteString(field, text, Utf8.UTF8.GetByteCount(text));

    private void WriteString(int field, string text, int bytes)
    {
        _body.WriteTag(field, 2);
        _body.WriteVarint((uint)bytes);
        Utf8.UTF8.GetBytes(text, _body.GetSpan(bytes));
        _body.Advance(bytes);
    }
}
