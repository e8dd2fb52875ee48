using System.Text.Unicode;
using Agent.Core.Model;
using Agent.Receivers.Otlp;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// The wire check of one OTLP scope against <see cref="ScopeReference"/> (parse, id validation, attribute limits):
/// on generated scopes the two agree exactly; on damaged bytes, arbitrary bytes and targeted faults (invalid UTF-8
/// in each string, ids of wrong lengths, attributes over the limits, deep nesting) the check never says clean where
/// the full path would refuse or change something. What it lets through it counts as the parsed request is counted.
/// </summary>
public class OtlpWireCheckFuzzTests
{
    private static readonly OtlpLimitsOptions Unlimited = new() { MaxAttributes = 0, MaxAttributeValueLength = 0 };

    /// <summary>Small limits that generated attributes often pass, or generous ones (the defaults among them).</summary>
    private static readonly Gen<OtlpLimitsOptions> Limits = Gen.Frequency(
        (2, Gen.Select(Gen.Int[0, 5], Gen.Int[0, 8])),
        (1, Gen.Select(Gen.OneOf(0, 128), Gen.OneOf(0, 4096))))
        .Select((count, length) => new OtlpLimitsOptions { MaxAttributes = count, MaxAttributeValueLength = length });

    public static TheoryData<Signal> Signals => new(Signal.Traces, Signal.Metrics, Signal.Logs);

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public async Task Generated_scopes_are_judged_as_the_full_path_judges_them(Signal signal)
    {
        int clean = 0, unclean = 0;
        await Fuzzing.RunAsync(Gen.Select(Scopes(signal), Limits), (scope, limits) =>
        {
            bool expected = ScopeReference.IsClean(scope, signal, limits);
            Assert.Equal(expected, OtlpWireCheck.IsClean(scope, signal, limits));
            _ = expected ? clean++ : unclean++;
        }, Fuzzing.Costly);

        // Both answers came up, so the agreement means something either way.
        Assert.True(clean > 0 && unclean > 0, $"{clean} clean, {unclean} not");
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public Task Damaged_scopes_are_clean_only_where_the_full_path_changes_nothing(Signal signal) =>
        Fuzzing.RunAsync(Gen.Select(Scopes(signal).SelectMany(Fuzzing.Mutated), Limits), (scope, limits) => NeverCleanerThanReference(scope, signal, limits), Fuzzing.Cheap);

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public Task Arbitrary_bytes_are_clean_only_where_the_full_path_changes_nothing(Signal signal) =>
        Fuzzing.RunAsync(Gen.Select(Fuzzing.Bytes(200), Limits), (scope, limits) => NeverCleanerThanReference(scope, signal, limits), Fuzzing.Cheap);

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public async Task Invalid_utf8_in_any_string_makes_a_scope_unclean(Signal signal)
    {
        var descriptor = DescriptorOf(signal);
        var damaged = new HashSet<string>();
        await Fuzzing.RunAsync(Gen.Select(Scopes(signal), InvalidUtf8, Gen.Bool), (scope, bad, before) =>
        {
            int strings = 0;
            WireEdits.EditStrings(scope, descriptor, (_, _) => { strings++; return null; });
            for (int target = 0; target < strings; target++)
            {
                int seen = 0;
                byte[] edited = WireEdits.EditStrings(scope, descriptor, (field, text) =>
                {
                    if (seen++ != target)
                    {
                        return null;
                    }

                    damaged.Add(field.FullName);
                    return before ? [.. bad, .. text] : [.. text, .. bad];
                });
                Assert.False(ScopeReference.IsClean(edited, signal, Unlimited));
                Assert.False(OtlpWireCheck.IsClean(edited, signal, Unlimited));
            }
        }, Fuzzing.Costly);

        // Every string field the schema has under a scope was damaged at least once.
        Assert.Empty(WireEdits.StringFields(descriptor).Except(damaged));
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public async Task Unknown_fields_anywhere_change_nothing(Signal signal)
    {
        var descriptor = DescriptorOf(signal);
        int clean = 0;
        await Fuzzing.RunAsync(Gen.Select(Scopes(signal), UnknownFields.Array[1, 3], Limits), (scope, unknown, limits) =>
        {
            // Google.Protobuf keeps unknown fields as they came (a length-delimited one unread, even if not UTF-8).
            int next = 0;
            byte[] extended = WireEdits.AppendToMessages(scope, descriptor, _ => unknown[next++ % unknown.Length]);
            bool expected = ScopeReference.IsClean(scope, signal, limits);
            Assert.Equal(expected, ScopeReference.IsClean(extended, signal, limits));
            Assert.Equal(expected, OtlpWireCheck.IsClean(extended, signal, limits));
            clean += expected ? 1 : 0;
        }, Fuzzing.Costly);

        Assert.True(clean > 0);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public Task Deep_nesting_is_judged_as_the_parser_judges_it(Signal signal) => Task.Run(() =>
    {
        var outcomes = new HashSet<bool>();

        // An array adds two levels, a map three: together they reach every level around the limit.
        for (int maps = 0; maps <= 2; maps++)
        {
            for (int arrays = 20; arrays <= 50; arrays++)
            {
                byte[] scope = WithNestedValue(signal, Nested(arrays, maps));
                bool expected = ScopeReference.IsClean(scope, signal, new OtlpLimitsOptions());
                Assert.Equal(expected, OtlpWireCheck.IsClean(scope, signal, new OtlpLimitsOptions()));
                outcomes.Add(expected);
            }
        }

        // The range crosses the parser's recursion limit.
        Assert.Equal(2, outcomes.Count);
    });

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public async Task A_clean_scope_is_counted_as_the_parsed_request_counts_it(Signal signal)
    {
        int clean = 0;
        await Fuzzing.RunAsync(Gen.Select(Scopes(signal), Gen.Int, Limits), (scope, seed, limits) =>
        {
            // Metrics also in the layouts other encoders write: a data message split in two is merged by the parser.
            byte[] laidOut = signal == Signal.Metrics ? new MetricsWireLayouts(new Random(seed)).Rewrite(scope) : scope;
            foreach (byte[] bytes in new[] { scope, laidOut })
            {
                if (OtlpWireCheck.IsClean(bytes, signal, limits, out int items))
                {
                    Assert.Equal(ScopeReference.ItemCount(bytes, signal), items);
                    clean++;
                }
            }
        }, Fuzzing.Costly);

        Assert.True(clean > 0);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public Task A_damaged_scope_the_check_lets_through_is_counted_as_the_parser_counts_it(Signal signal) =>
        Fuzzing.RunAsync(Gen.Select(Scopes(signal).SelectMany(Fuzzing.Mutated), Limits), (scope, limits) =>
        {
            if (OtlpWireCheck.IsClean(scope, signal, limits, out int items))
            {
                Assert.Equal(ScopeReference.ItemCount(scope, signal), items);
            }
        }, Fuzzing.Cheap);

    /// <summary>
    /// A metric's data written more than once: the same case again is merged (points add up), another case replaces
    /// what came before, so only the last case's points count.
    /// </summary>
    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(new[] { 5, 5 }, new[] { 2, 1 }, 3)]
    [InlineData(new[] { 5, 7, 5 }, new[] { 2, 3, 1 }, 1)]
    [InlineData(new[] { 7, 9 }, new[] { 4, 2 }, 2)]
    [InlineData(new[] { 9, 9, 11, 11 }, new[] { 1, 1, 2, 2 }, 4)]
    [InlineData(new[] { 11, 7, 7 }, new[] { 5, 0, 2 }, 2)]
    public Task A_metric_data_oneof_set_again_is_counted_as_the_parser_keeps_it(int[] dataFields, int[] points, int expected) => Task.Run(() =>
    {
        byte[] scope = ScopeWithMetric(dataFields, points);

        Assert.True(OtlpWireCheck.IsClean(scope, Signal.Metrics, new OtlpLimitsOptions(), out int items));
        Assert.Equal(expected, ScopeReference.ItemCount(scope, Signal.Metrics));
        Assert.Equal(expected, items);
    });

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(Signals))]
    public Task The_check_allocates_nothing(Signal signal) =>
        Fuzzing.RunAsync(Gen.Select(Scopes(signal), Limits), (scope, limits) =>
        {
            bool first = OtlpWireCheck.IsClean(scope, signal, limits);
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool again = OtlpWireCheck.IsClean(scope, signal, limits);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(first, again);
            Assert.Equal(0, allocated);
        }, Fuzzing.Costly);

    private static void NeverCleanerThanReference(byte[] scope, Signal signal, OtlpLimitsOptions limits)
    {
        if (OtlpWireCheck.IsClean(scope, signal, limits))
        {
            Assert.True(ScopeReference.IsClean(scope, signal, limits), "the check let through a scope the full path would change");
        }
    }

    private static Gen<byte[]> Scopes(Signal signal) => signal switch
    {
        Signal.Traces => OtlpScopes.Spans.Select(scope => scope.ToByteArray()),
        Signal.Metrics => OtlpScopes.Metrics.Select(scope => scope.ToByteArray()),
        _ => OtlpScopes.Logs.Select(scope => scope.ToByteArray()),
    };

    private static MessageDescriptor DescriptorOf(Signal signal) => signal switch
    {
        Signal.Traces => ScopeSpans.Descriptor,
        Signal.Metrics => ScopeMetrics.Descriptor,
        _ => ScopeLogs.Descriptor,
    };

    /// <summary>Byte sequences no valid UTF-8 contains: stray continuation, overlong, surrogate, past U+10FFFF, cut short.</summary>
    private static Gen<byte[]> InvalidUtf8 { get; } = Gen.OneOf<byte[]>(
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3])
        .Where(bytes => !Utf8.IsValid(bytes));

    /// <summary>
    /// One encoded field with a number no OTLP message uses (they stop at 16) and each of the four wire types;
    /// length-delimited ones hold any bytes.
    /// </summary>
    private static Gen<byte[]> UnknownFields { get; } = Gen.Select(Gen.Int[17, 100_000], Gen.OneOf(0, 1, 2, 5), Gen.ULong, Fuzzing.Bytes(12))
        .Select((number, wireType, value, bytes) =>
        {
            using var buffer = new MemoryStream();
            var output = new CodedOutputStream(buffer);
            output.WriteTag(number, (WireFormat.WireType)wireType);
            switch (wireType)
            {
                case 0:
                    output.WriteUInt64(value);
                    break;
                case 1:
                    output.WriteFixed64(value);
                    break;
                case 2:
                    output.WriteBytes(ByteString.CopyFrom(bytes));
                    break;
                default:
                    output.WriteFixed32((uint)value);
                    break;
            }

            output.Flush();
            return buffer.ToArray();
        });

    /// <summary>
    /// A ScopeMetrics with one metric whose data field is written once per entry of <paramref name="dataFields"/>
    /// (5 gauge, 7 sum, 9 histogram, 11 summary), each time with that many points of <paramref name="points"/>.
    /// </summary>
    private static byte[] ScopeWithMetric(int[] dataFields, int[] points)
    {
        using var metric = new MemoryStream();
        var output = new CodedOutputStream(metric);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString("requests");
        for (int i = 0; i < dataFields.Length; i++)
        {
            IMessage data = dataFields[i] switch
            {
                5 => new Gauge { DataPoints = { Enumerable.Range(0, points[i]).Select(n => new NumberDataPoint { AsInt = n }) } },
                7 => new Sum { DataPoints = { Enumerable.Range(0, points[i]).Select(n => new NumberDataPoint { AsInt = n }) } },
                9 => new Histogram { DataPoints = { Enumerable.Range(0, points[i]).Select(n => new HistogramDataPoint { Count = (ulong)n }) } },
                _ => new Summary { DataPoints = { Enumerable.Range(0, points[i]).Select(n => new SummaryDataPoint { Count = (ulong)n }) } },
            };
            output.WriteTag(dataFields[i], WireFormat.WireType.LengthDelimited);
            output.WriteBytes(data.ToByteString());
        }

        output.Flush();
        using var scope = new MemoryStream();
        var outer = new CodedOutputStream(scope);
        outer.WriteTag(2, WireFormat.WireType.LengthDelimited);
        outer.WriteBytes(ByteString.CopyFrom(metric.ToArray()));
        outer.Flush();
        return scope.ToArray();
    }

    /// <summary>A string inside <paramref name="maps"/> maps inside <paramref name="arrays"/> arrays.</summary>
    private static AnyValue Nested(int arrays, int maps)
    {
        var value = new AnyValue { StringValue = "leaf" };
        for (int i = 0; i < maps; i++)
        {
            value = new AnyValue { KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "k", Value = value } } } };
        }

        for (int i = 0; i < arrays; i++)
        {
            value = new AnyValue { ArrayValue = new ArrayValue { Values = { value } } };
        }

        return value;
    }

    /// <summary>A clean scope with one item whose attribute (or, for a log, body) is <paramref name="value"/>.</summary>
    private static byte[] WithNestedValue(Signal signal, AnyValue value)
    {
        var attribute = new KeyValue { Key = "nested", Value = value };
        var traceId = ByteString.CopyFrom(new byte[16]);
        var spanId = ByteString.CopyFrom(new byte[8]);
        IMessage scope = signal switch
        {
            Signal.Traces => new ScopeSpans { Spans = { new Span { TraceId = traceId, SpanId = spanId, Name = "n", Attributes = { attribute } } } },
            Signal.Metrics => new ScopeMetrics
            {
                Metrics = { new Metric { Name = "m", Sum = new Sum { DataPoints = { new NumberDataPoint { AsInt = 1, Attributes = { attribute } } } } } },
            },
            _ => new ScopeLogs { LogRecords = { new LogRecord { Body = value, TraceId = traceId, SpanId = spanId } } },
        };
        return scope.ToByteArray();
    }
}
