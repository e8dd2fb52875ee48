using static Agent.Receivers.Otlp.WireCheck.CommonCheck;
using static Agent.Receivers.Otlp.WireCheck.MessageWalk;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>
/// The messages of <c>metrics.proto</c> inside a ScopeMetrics. No ids are checked (the full path drops no points);
/// the limits cover each metric's metadata, each data point's attributes and each exemplar's filtered attributes.
/// </summary>
internal static class MetricsCheck
{
    public static bool ScopeMetrics(ReadOnlySpan<byte> message, AttributeBounds bounds, int level, out int points) =>
        WalkCounted<ScopeMessageRule<MetricRule>>(message, bounds, level, out points);

    /// <summary>
    /// A metric; its items are the points of its data. The data is a oneof of messages: a case set again is merged
    /// by the parser (its points add up), another case replaces it, so the points of the last case set count.
    /// </summary>
    private struct MetricRule : ICountingRule
    {
        private int _dataField;
        private int _points;

        public readonly int Items => _points;

        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 or 2 or 3 => field.IsText(), // name, description, unit
            5 or 7 => Data<DataRule<NumberPointRule>>(field, bounds, level), // gauge, sum
            9 => Data<DataRule<HistogramPointRule>>(field, bounds, level),
            10 => Data<DataRule<ExponentialHistogramPointRule>>(field, bounds, level),
            11 => Data<DataRule<SummaryPointRule>>(field, bounds, level),
            12 => Attribute(field, bounds, level, ref attributes), // metadata
            _ => true,
        };

        public readonly bool End() => true;

        private bool Data<TData>(in WireField field, AttributeBounds bounds, int level)
            where TData : struct, ICountingRule
        {
            if (field.Number != _dataField)
            {
                (_dataField, _points) = (field.Number, 0);
            }

            return NestedCounted<TData>(field, bounds, level, ref _points);
        }
    }

    /// <summary>
    /// Gauge, Sum, Histogram, ExponentialHistogram or Summary: data points in field 1, and (in those that have them)
    /// temporality and monotonicity as varints in 2 and 3. A Gauge or Summary with a field 2 or 3 of another wire
    /// type is refused though it would parse: stricter, never wrong.
    /// </summary>
    private struct DataRule<TPoint> : ICountingRule
        where TPoint : struct, IMessageRule
    {
        private int _points;

        public readonly int Items => _points;

        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => Point(field, bounds, level),
            2 or 3 => field.Is(WireType.Varint),
            _ => true,
        };

        public readonly bool End() => true;

        private bool Point(in WireField field, AttributeBounds bounds, int level)
        {
            _points++;
            return Nested<TPoint>(field, bounds, level);
        }
    }

    private readonly struct NumberPointRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            2 or 3 or 4 or 6 => field.Is(WireType.Fixed64), // times, as_double, as_int (sfixed64)
            5 => Nested<ExemplarRule>(field, bounds, level),
            7 => Attribute(field, bounds, level, ref attributes),
            8 => field.Is(WireType.Varint), // flags
            _ => true,
        };

        public bool End() => true;
    }

    private readonly struct HistogramPointRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            2 or 3 or 4 or 5 or 11 or 12 => field.Is(WireType.Fixed64), // times, count, sum, min, max
            6 or 7 => field.IsRepeatedFixed64(), // bucket counts, explicit bounds
            8 => Nested<ExemplarRule>(field, bounds, level),
            9 => Attribute(field, bounds, level, ref attributes),
            10 => field.Is(WireType.Varint), // flags
            _ => true,
        };

        public bool End() => true;
    }

    private readonly struct ExponentialHistogramPointRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => Attribute(field, bounds, level, ref attributes),
            // Times, count, sum, zero count, min, max, zero threshold.
            2 or 3 or 4 or 5 or 7 or 12 or 13 or 14 => field.Is(WireType.Fixed64),
            6 or 10 => field.Is(WireType.Varint), // scale, flags
            8 or 9 => Nested<BucketsRule>(field, bounds, level), // positive, negative
            11 => Nested<ExemplarRule>(field, bounds, level),
            _ => true,
        };

        public bool End() => true;
    }

    private readonly struct BucketsRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            1 => field.Is(WireType.Varint), // offset
            2 => field.IsRepeatedVarint(), // bucket counts
            _ => true,
        };

        public bool End() => true;
    }

    /// <summary>A summary's points have no exemplars.</summary>
    private readonly struct SummaryPointRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            2 or 3 or 4 or 5 => field.Is(WireType.Fixed64), // times, count, sum
            6 => Nested<QuantileRule>(field, bounds, level),
            7 => Attribute(field, bounds, level, ref attributes),
            8 => field.Is(WireType.Varint), // flags
            _ => true,
        };

        public bool End() => true;
    }

    private readonly struct QuantileRule : IMessageRule
    {
        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) =>
            field.Number is not (1 or 2) || field.Is(WireType.Fixed64); // quantile, value

        public bool End() => true;
    }

    /// <summary>An exemplar whose ids OtlpIdValidation would refuse is left out by the full path: not clean.</summary>
    private struct ExemplarRule : IMessageRule
    {
        private int _traceId;
        private int _spanId;

        public bool Field(in WireField field, AttributeBounds bounds, int level, ref int attributes) => field.Number switch
        {
            2 or 3 or 6 => field.Is(WireType.Fixed64), // time, as_double, as_int (sfixed64)
            4 => field.IsBytes(ref _spanId),
            5 => field.IsBytes(ref _traceId),
            7 => Attribute(field, bounds, level, ref attributes), // filtered attributes
            _ => true,
        };

        public readonly bool End() => TracesCheck.HasValidIds(_traceId, _spanId);
    }
}
