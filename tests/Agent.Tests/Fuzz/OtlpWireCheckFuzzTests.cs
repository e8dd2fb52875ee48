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
/// the full path would refuse or change something.
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
