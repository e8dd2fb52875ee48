using static Agent.Receivers.Otlp.WireCheck.CommonCheck;
using static Agent.Receivers.Otlp.WireCheck.MessageWalk;

namespace Agent.Receivers.Otlp.WireCheck;

/// <summary>
/// The messages of <c>metrics.proto</c> inside a ScopeMetrics. No ids are checked (the full path drops no points);
/// the limits cover each metric's metadata, each data point's attributes and each exemplar's filtered attributes.
/// </summary>
internal static class MetricsCheck
{
    public static bool ScopeMetrics(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        ScopeMessage(message, bounds, level, Metric);

    private static bool Metric(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), MetricField);

    private static bool MetricField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 or 2 or 3 => field.IsText(), // name, description, unit
        5 or 7 => Nested(field, at, NumberData), // gauge, sum
        9 => Nested(field, at, HistogramData),
        10 => Nested(field, at, ExponentialHistogramData),
        11 => Nested(field, at, SummaryData),
        12 => Attribute(field, at, ref tally.Attributes), // metadata
        _ => true,
    };

    private static bool NumberData(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level, NumberPoint), DataField);

    private static bool HistogramData(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level, HistogramPoint), DataField);

    private static bool ExponentialHistogramData(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level, ExponentialHistogramPoint), DataField);

    private static bool SummaryData(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level, SummaryPoint), DataField);

    /// <summary>
    /// Gauge, Sum, Histogram, ExponentialHistogram or Summary: data points in field 1, and (in those that have them)
    /// temporality and monotonicity as varints in 2 and 3. A Gauge or Summary with a field 2 or 3 of another wire
    /// type is refused though it would parse: stricter, never wrong.
    /// </summary>
    private static bool DataField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => Nested(field, at, at.Items!),
        2 or 3 => field.Is(WireType.Varint),
        _ => true,
    };

    private static bool NumberPoint(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), NumberPointField);

    private static bool NumberPointField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        2 or 3 or 4 or 6 => field.Is(WireType.Fixed64), // times, as_double, as_int (sfixed64)
        5 => Nested(field, at, Exemplar),
        7 => Attribute(field, at, ref tally.Attributes),
        8 => field.Is(WireType.Varint), // flags
        _ => true,
    };

    private static bool HistogramPoint(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), HistogramPointField);

    private static bool HistogramPointField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        2 or 3 or 4 or 5 or 11 or 12 => field.Is(WireType.Fixed64), // times, count, sum, min, max
        6 or 7 => field.IsRepeatedFixed64(), // bucket counts, explicit bounds
        8 => Nested(field, at, Exemplar),
        9 => Attribute(field, at, ref tally.Attributes),
        10 => field.Is(WireType.Varint), // flags
        _ => true,
    };

    private static bool ExponentialHistogramPoint(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), ExponentialHistogramPointField);

    private static bool ExponentialHistogramPointField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => Attribute(field, at, ref tally.Attributes),
        // Times, count, sum, zero count, min, max, zero threshold.
        2 or 3 or 4 or 5 or 7 or 12 or 13 or 14 => field.Is(WireType.Fixed64),
        6 or 10 => field.Is(WireType.Varint), // scale, flags
        8 or 9 => Nested(field, at, Buckets), // positive, negative
        11 => Nested(field, at, Exemplar),
        _ => true,
    };

    private static bool Buckets(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), BucketsField);

    private static bool BucketsField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        1 => field.Is(WireType.Varint), // offset
        2 => field.IsRepeatedVarint(), // bucket counts
        _ => true,
    };

    /// <summary>A summary's points have no exemplars.</summary>
    private static bool SummaryPoint(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), SummaryPointField);

    private static bool SummaryPointField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        2 or 3 or 4 or 5 => field.Is(WireType.Fixed64), // times, count, sum
        6 => Nested(field, at, Quantile),
        7 => Attribute(field, at, ref tally.Attributes),
        8 => field.Is(WireType.Varint), // flags
        _ => true,
    };

    private static bool Quantile(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), QuantileField);

    private static bool QuantileField(in WireField field, ref MessageTally tally, in MessageContext at) =>
        field.Number is not (1 or 2) || field.Is(WireType.Fixed64); // quantile, value

    /// <summary>An exemplar whose ids OtlpIdValidation would refuse is left out by the full path: not clean.</summary>
    private static bool Exemplar(ReadOnlySpan<byte> message, AttributeBounds bounds, int level) =>
        Walk(message, new MessageContext(bounds, level), ExemplarField, out var exemplar) && TracesCheck.HasValidIds(exemplar);

    private static bool ExemplarField(in WireField field, ref MessageTally tally, in MessageContext at) => field.Number switch
    {
        2 or 3 or 6 => field.Is(WireType.Fixed64), // time, as_double, as_int (sfixed64)
        4 => field.IsBytes(ref tally.SpanId),
        5 => field.IsBytes(ref tally.TraceId),
        7 => Attribute(field, at, ref tally.Attributes), // filtered attributes
        _ => true,
    };
}
