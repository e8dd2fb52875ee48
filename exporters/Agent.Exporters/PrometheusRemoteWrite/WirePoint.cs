using System.Runtime.InteropServices;
using Agent.Core.Model.Wire;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// The fields of one OTLP data point (number, histogram or summary) in reused storage: read off the wire, its
/// attributes kept as their bytes (<see cref="RawAttributes"/>, which the translator's <see cref="PointMemo"/> looks
/// up) and turned into texts from the <see cref="WireTexts"/> caches only when asked for (a point whose texts were
/// seen before allocates nothing), or loaded from a decoded point. Fields a kind does not have keep their defaults,
/// as in a decoded point; exemplars are skipped.
/// </summary>
internal sealed class WirePoint(WireTexts texts)
{
    // Field numbers shared by the three point messages.
    private const int TimeField = 3;

    // NumberDataPoint.
    private const int AsDoubleField = 4;
    private const int AsIntField = 6;
    private const int NumberAttributesField = 7;
    private const int NumberFlagsField = 8;

    // HistogramDataPoint and SummaryDataPoint (whose attributes and flags are numbered as a NumberDataPoint's).
    private const int CountField = 4;
    private const int SumField = 5;
    private const int BucketCountsField = 6;
    private const int ExplicitBoundsField = 7;
    private const int HistogramAttributesField = 9;
    private const int HistogramFlagsField = 10;
    private const int QuantileValuesField = 6;

    // KeyValue and ValueAtQuantile.
    private const int KeyField = 1;
    private const int ValueField = 2;
    private const int QuantileField = 1;

    private readonly List<(string Key, string Value)> _attributes = [];
    private readonly RawAttributeList _raw = new();
    private readonly List<ulong> _buckets = [];
    private readonly List<double> _bounds = [];
    private readonly List<(double Quantile, double Value)> _quantiles = [];

    /// <summary>The attributes as texts; a point read off the wire decodes them at the first call.</summary>
    public ReadOnlySpan<(string Key, string Value)> Attributes
    {
        get
        {
            if (_raw.Pending)
            {
                DecodeAttributes();
            }

            return CollectionsMarshal.AsSpan(_attributes);
        }
    }

    /// <summary>
    /// The encoded <c>KeyValue</c> attributes of a point read off the wire, each after its length, in their order;
    /// empty for a decoded point (<see cref="HasRawAttributes"/> tells the two apart from a point without attributes).
    /// </summary>
    public ReadOnlySpan<byte> RawAttributes => _raw.Bytes;

    /// <summary>Whether the point was read off the wire, so that <see cref="RawAttributes"/> stand for its attributes.</summary>
    public bool HasRawAttributes { get; private set; }

    public ulong TimeUnixNano { get; private set; }

    public uint Flags { get; private set; }

    /// <summary>A number point's value, from <c>as_double</c> or <c>as_int</c>.</summary>
    public double Value { get; private set; }

    public ulong Count { get; private set; }

    /// <summary>The sum; NaN for a histogram point without one (it is optional there).</summary>
    public double Sum { get; private set; }

    public ReadOnlySpan<ulong> BucketCounts => CollectionsMarshal.AsSpan(_buckets);

    public ReadOnlySpan<double> ExplicitBounds => CollectionsMarshal.AsSpan(_bounds);

    public ReadOnlySpan<(double Quantile, double Value)> Quantiles => CollectionsMarshal.AsSpan(_quantiles);

    /// <summary>A point of <paramref name="kind"/> from its bytes.</summary>
    public void Read(ReadOnlySpan<byte> point, PointKind kind)
    {
        // A histogram's sum is optional: NaN stands for none. The others default to 0, as decoded.
        Reset(sum: kind == PointKind.Histogram ? double.NaN : 0);
        HasRawAttributes = true;
        int attributesField = kind == PointKind.Histogram ? HistogramAttributesField : NumberAttributesField;
        int flagsField = kind == PointKind.Histogram ? HistogramFlagsField : NumberFlagsField;
        var reader = new WireReader(point);
        while (reader.Next(out int field, out int wireType, out var content, out ulong value))
        {
            if (field == attributesField && wireType == WireReader.LengthDelimited)
            {
                _raw.Add(content);
            }
            else if (field == flagsField && wireType == WireReader.Varint)
            {
                Flags = (uint)value;
            }
            else if (field == TimeField && wireType == WireReader.Fixed64)
            {
                TimeUnixNano = value;
            }
            else if (kind == PointKind.Number)
            {
                ReadNumberField(field, wireType, value);
            }
            else
            {
                ReadDistributionField(field, wireType, content, value, kind);
            }
        }
    }

    /// <summary>A decoded number point: its texts are the strings it already holds.</summary>
    public void Load(NumberDataPoint point)
    {
        Reset(sum: 0);
        Load(point.Attributes, point.TimeUnixNano, point.Flags);
        Value = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
    }

    public void Load(HistogramDataPoint point)
    {
        Reset(sum: point.HasSum ? point.Sum : double.NaN);
        Load(point.Attributes, point.TimeUnixNano, point.Flags);
        Count = point.Count;
        _buckets.AddRange(point.BucketCounts);
        _bounds.AddRange(point.ExplicitBounds);
    }

    public void Load(SummaryDataPoint point)
    {
        Reset(sum: point.Sum);
        Load(point.Attributes, point.TimeUnixNano, point.Flags);
        Count = point.Count;
        var quantiles = point.QuantileValues;
        for (int i = 0; i < quantiles.Count; i++)
        {
            _quantiles.Add((quantiles[i].Quantile, quantiles[i].Value));
        }
    }

    private void Load(RepeatedField<KeyValue> attributes, ulong timeUnixNano, uint flags)
    {
        // Index loop: RepeatedField's enumerator is an object the runtime does not always keep off the heap.
        for (int i = 0; i < attributes.Count; i++)
        {
            _attributes.Add((attributes[i].Key, LabelValues.Of(attributes[i].Value)));
        }

        TimeUnixNano = timeUnixNano;
        Flags = flags;
    }

    private void ReadNumberField(int field, int wireType, ulong value)
    {
        if (wireType != WireReader.Fixed64)
        {
            return;
        }

        if (field == AsDoubleField)
        {
            Value = BitConverter.UInt64BitsToDouble(value);
        }
        else if (field == AsIntField)
        {
            Value = (long)value;
        }
    }

    /// <summary>The fields of a histogram or summary point besides attributes, time and flags.</summary>
    private void ReadDistributionField(int field, int wireType, ReadOnlySpan<byte> content, ulong value, PointKind kind)
    {
        switch (field)
        {
            case CountField when wireType == WireReader.Fixed64:
                Count = value;
                break;
            case SumField when wireType == WireReader.Fixed64:
                Sum = BitConverter.UInt64BitsToDouble(value);
                break;
            case BucketCountsField when kind == PointKind.Histogram:
                AddFixed64(_buckets, wireType, content, value, static bits => bits);
                break;
            case ExplicitBoundsField when kind == PointKind.Histogram:
                AddFixed64(_bounds, wireType, content, value, BitConverter.UInt64BitsToDouble);
                break;
            case QuantileValuesField when kind == PointKind.Summary && wireType == WireReader.LengthDelimited:
                _quantiles.Add(ReadQuantile(content));
                break;
        }
    }

    private void Reset(double sum)
    {
        _attributes.Clear();
        _raw.Clear();
        HasRawAttributes = false;
        _buckets.Clear();
        _bounds.Clear();
        _quantiles.Clear();
        TimeUnixNano = 0;
        Flags = 0;
        Value = 0;
        Count = 0;
        Sum = sum;
    }

    private void DecodeAttributes()
    {
        var raw = _raw.Bytes;
        while (RawAttributeList.Next(ref raw, out var keyValue))
        {
            AddAttribute(keyValue);
        }

        _raw.Pending = false;
    }

    private void AddAttribute(ReadOnlySpan<byte> keyValue)
    {
        ReadOnlySpan<byte> key = default, value = default;
        var reader = new WireReader(keyValue);
        while (reader.Next(out int field, out int wireType, out var content))
        {
            if (wireType != WireReader.LengthDelimited)
            {
                continue;
            }

            if (field == KeyField)
            {
                key = content;
            }
            else if (field == ValueField)
            {
                value = content;
            }
        }

        _attributes.Add((texts.Text(key), texts.LabelValue(value)));
    }

    /// <summary>A repeated fixed64 or double: packed (one length-delimited run) or one element per field, as a parser accepts both.</summary>
    private static void AddFixed64<T>(List<T> values, int wireType, ReadOnlySpan<byte> packed, ulong single, Func<ulong, T> convert)
    {
        if (wireType == WireReader.Fixed64)
        {
            values.Add(convert(single));
            return;
        }

        if (wireType != WireReader.LengthDelimited)
        {
            return;
        }

        for (int i = 0; i + 8 <= packed.Length; i += 8)
        {
            values.Add(convert(System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(packed.Slice(i, 8))));
        }
    }

    private static (double Quantile, double Value) ReadQuantile(ReadOnlySpan<byte> valueAtQuantile)
    {
        double quantile = 0, value = 0;
        var reader = new WireReader(valueAtQuantile);
        while (reader.Next(out int field, out int wireType, out _, out ulong bits))
        {
            if (wireType != WireReader.Fixed64)
            {
                continue;
            }

            if (field == QuantileField)
            {
                quantile = BitConverter.UInt64BitsToDouble(bits);
            }
            else if (field == ValueField)
            {
                value = BitConverter.UInt64BitsToDouble(bits);
            }
        }

        return (quantile, value);
    }
}

internal enum PointKind
{
    Number,
    Histogram,
    Summary,
}
