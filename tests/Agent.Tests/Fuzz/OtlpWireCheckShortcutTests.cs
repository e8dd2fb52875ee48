using System.Text;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Receivers.Otlp;
using Google.Protobuf;

namespace Agent.Tests.Fuzz;

/// <summary>
/// The wire check's shortcuts against <see cref="ScopeReference"/>: one-byte tags and lengths read inline, and the
/// common attribute shape (a short key, then one string, bool, int or double) judged in one pass. Each case sits on
/// an edge where a shortcut hands over to the general reading (tags of fields 16 and up, lengths of 127 and 128
/// bytes, length varints of two bytes or padded ones, values at the length limit, other shapes, UTF-8 split across
/// key and value), built byte by byte, in a span, a data point and a log record, under several limits.
/// </summary>
public class OtlpWireCheckShortcutTests
{
    private const int Len = 2;
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int Fixed32 = 5;

    private static readonly OtlpLimitsOptions[] Limits =
    [
        new(),
        new() { MaxAttributes = 0, MaxAttributeValueLength = 0 },
        new() { MaxAttributes = 1, MaxAttributeValueLength = 127 },
        new() { MaxAttributes = 2, MaxAttributeValueLength = 128 },
        new() { MaxAttributes = 0, MaxAttributeValueLength = 3 },
    ];

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Attributes_of_every_shape_are_judged_as_the_full_path_judges_them() => Task.Run(() =>
    {
        var verdicts = new HashSet<bool>();
        foreach (var (name, keyValue) in KeyValues())
        {
            foreach (var limits in Limits)
            {
                foreach (var (signal, scope) in ScopesWith(attributes: [keyValue, keyValue], spanFields: []))
                {
                    verdicts.Add(JudgedAlike($"{name} in {signal}", scope, signal, limits));
                }
            }
        }

        Assert.Equal(2, verdicts.Count);
    });

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Wide_tags_and_lengths_are_read_as_the_parser_reads_them() => Task.Run(() =>
    {
        var verdicts = new HashSet<bool>();
        foreach (var (name, fields) in SpanFields())
        {
            foreach (var limits in Limits)
            {
                var (_, scope) = ScopesWith(attributes: [KeyValue(Text(1, "k"), Any(Text(1, "v")))], spanFields: fields).First();
                verdicts.Add(JudgedAlike(name, scope, Signal.Traces, limits));
            }
        }

        Assert.Equal(2, verdicts.Count);
    });

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Varints_of_every_width_are_read_as_Google_Protobuf_reads_them() => Task.Run(() =>
    {
        foreach (ulong value in Enumerable.Range(0, 64).SelectMany(bit => new[] { 1UL << bit, (1UL << bit) - 1, ulong.MaxValue >> bit }))
        {
            byte[] encoded = [.. VarintBytes(value), 0x2A];
            var rest = new ReadOnlySpan<byte>(encoded);
            Assert.True(ProtobufVarint.TryRead(ref rest, out ulong read));
            Assert.Equal(new CodedInputStream(encoded).ReadUInt64(), read);
            Assert.Equal(0x2A, Assert.Single(rest.ToArray()));

            // Cut short anywhere, it is no varint.
            var cut = new ReadOnlySpan<byte>(encoded, 0, encoded.Length - 2);
            Assert.False(ProtobufVarint.TryRead(ref cut, out _));
        }

        // Padded to ten bytes it still reads; an eleventh byte is too many, as for Google.Protobuf.
        byte[] ten = [0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
        var tenBytes = new ReadOnlySpan<byte>(ten);
        Assert.True(ProtobufVarint.TryRead(ref tenBytes, out ulong one) && tenBytes.IsEmpty);
        Assert.Equal(new CodedInputStream(ten).ReadUInt64(), one);
        byte[] eleven = [0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
        var elevenBytes = new ReadOnlySpan<byte>(eleven);
        Assert.False(ProtobufVarint.TryRead(ref elevenBytes, out _));
        Assert.Throws<InvalidProtocolBufferException>(() => new CodedInputStream(eleven).ReadUInt64());
    });

    /// <summary>
    /// The check's verdict is the full path's, except where it is stricter by design: a known field with an
    /// unexpected wire type (the cases named "... as a ...") or a group, which the parser would keep as an unknown
    /// field, is not clean.
    /// </summary>
    private static bool JudgedAlike(string name, byte[] scope, Signal signal, OtlpLimitsOptions limits)
    {
        bool stricter = name.Contains(" as a ", StringComparison.Ordinal) || name.Contains("a group", StringComparison.Ordinal);
        bool expected = ScopeReference.IsClean(scope, signal, limits) && !stricter;
        Assert.True(expected == OtlpWireCheck.IsClean(scope, signal, limits), $"{name}, {Describe(limits)}: expected {expected}");
        return expected;
    }

    /// <summary>KeyValue encodings: the common shape at its edges, and the shapes it leaves to the general reading.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> KeyValues()
    {
        foreach (int length in new[] { 0, 1, 3, 4, 126, 127, 128, 129, 300 })
        {
            yield return ($"a key of {length} bytes", KeyValue(Text(1, new string('k', length)), Any(Text(1, "v"))));
            yield return ($"a text of {length} bytes", KeyValue(Text(1, "k"), Any(Text(1, new string('v', length)))));
            yield return ($"a text of {length} two-byte characters", KeyValue(Text(1, "k"), Any(Text(1, new string('é', length)))));
            yield return ($"a text of {length} bytes with a four-byte character", KeyValue(Text(1, "k"), Any(Text(1, "🙂" + new string('v', length)))));
            yield return ($"bytes of {length}", KeyValue(Text(1, "k"), Any(Field(7, Len, new byte[length]))));
        }

        foreach (ulong number in new[] { 0UL, 1UL, 127UL, 128UL, 1UL << 35, ulong.MaxValue })
        {
            yield return ($"the int {number}", KeyValue(Text(1, "k"), Any(Field(3, Varint, VarintBytes(number)))));
            yield return ($"the bool {number}", KeyValue(Text(1, "k"), Any(Field(2, Varint, VarintBytes(number)))));
        }

        yield return ("a double", KeyValue(Text(1, "k"), Any(Field(4, Fixed64, BitConverter.GetBytes(2.5)))));
        yield return ("a double cut short", KeyValue(Text(1, "k"), Any([0x21, 1, 2, 3])));
        yield return ("a double with a byte after it", KeyValue(Text(1, "k"), Any([.. Field(4, Fixed64, new byte[8]), 0])));
        yield return ("an int of eleven bytes", KeyValue(Text(1, "k"), Any([0x18, .. Enumerable.Repeat((byte)0x80, 10), 0])));
        yield return ("an int cut short", KeyValue(Text(1, "k"), Any([0x18, 0x80])));
        yield return ("an int as a fixed64", KeyValue(Text(1, "k"), Any(Field(3, Fixed64, new byte[8]))));
        yield return ("a text as a varint", KeyValue(Text(1, "k"), Any(Field(1, Varint, [5]))));
        yield return ("a key as a varint", KeyValue(Field(1, Varint, [5]), Any(Text(1, "v"))));
        yield return ("an empty value", KeyValue(Text(1, "k"), Any([])));
        yield return ("no value", Text(1, "k"));
        yield return ("no key", Any(Text(1, "v")));
        yield return ("nothing", []);
        yield return ("the value before the key", [.. Any(Text(1, "v")), .. Text(1, "k")]);
        yield return ("two keys", [.. Text(1, "k"), .. KeyValue(Text(1, "k"), Any(Text(1, "v")))]);
        yield return ("two values", [.. KeyValue(Text(1, "k"), Any(Text(1, "v"))), .. Any(Field(3, Varint, [1]))]);
        yield return ("an unknown field after the value", [.. KeyValue(Text(1, "k"), Any(Text(1, "v"))), .. Field(3, Varint, [1])]);
        yield return ("an unknown field in the value", KeyValue(Text(1, "k"), Any([.. Text(1, "v"), .. Field(9, Len, [0xFF])])));
        yield return ("a text and an int in one value", KeyValue(Text(1, "k"), Any([.. Text(1, "v"), .. Field(3, Varint, [1])])));
        yield return ("an array", KeyValue(Text(1, "k"), Any(Field(5, Len, Any(Text(1, "v"))))));
        yield return ("a map", KeyValue(Text(1, "k"), Any(Field(6, Len, Field(1, Len, KeyValue(Text(1, "k"), Any(Text(1, "v"))))))));
        yield return ("a key with invalid UTF-8", KeyValue(Field(1, Len, [0x6B, 0xFF]), Any(Text(1, "v"))));
        yield return ("a text with invalid UTF-8", KeyValue(Text(1, "k"), Any(Field(1, Len, [0xC3]))));
        yield return ("an int under a key with invalid UTF-8", KeyValue(Field(1, Len, [0xED, 0xA0, 0x80]), Any(Field(3, Varint, [1]))));
        yield return ("a character split between key and text", KeyValue(Field(1, Len, [0x6B, 0xC3]), Any(Field(1, Len, [0xA9, 0x76]))));
        yield return ("invalid UTF-8 in bytes", KeyValue(Text(1, "k"), Any(Field(7, Len, [0xFF]))));
        yield return ("a padded key length", [0x0A, 0x81, 0x00, (byte)'k', .. Any(Text(1, "v"))]);
        yield return ("a padded value length", [.. Text(1, "k"), 0x12, 0x83, 0x00, .. Text(1, "v")]);
        yield return ("a padded text length", KeyValue(Text(1, "k"), Any([0x0A, 0x81, 0x00, (byte)'v'])));
        yield return ("a padded key tag", [0x8A, 0x00, 1, (byte)'k', .. Any(Text(1, "v"))]);
        yield return ("a key length past the end", [0x0A, 9, (byte)'k']);
        yield return ("a value length past the end", [.. Text(1, "k"), 0x12, 9, 0x0A, 1, (byte)'v']);
        yield return ("a text length past the value", KeyValue(Text(1, "k"), Any([0x0A, 5, (byte)'v'])));
    }

    /// <summary>Fields added to a span, mostly where tags or lengths take more than one byte.</summary>
    private static IEnumerable<(string Name, byte[] Bytes)> SpanFields()
    {
        foreach (int length in new[] { 127, 128, 300, 20_000 })
        {
            yield return ($"a name of {length} bytes", Text(5, new string('n', length)));
            yield return ($"a trace state of {length} bytes with invalid UTF-8 at its end", Field(3, Len, [.. Encoding.UTF8.GetBytes(new string('s', length)), 0xFF]));
            yield return ($"an unknown field of {length} bytes", Field(2000, Len, new byte[length]));
            yield return ($"an event with {length / 40} attributes", Field(11, Len, [.. Enumerable.Range(0, length / 40).SelectMany(_ => Field(3, Len, KeyValue(Text(1, "k"), Any(Text(1, "v")))))]));
        }

        yield return ("flags (field 16)", Field(16, Fixed32, [1, 0, 0, 0]));
        yield return ("flags as a varint", Field(16, Varint, [1]));
        yield return ("flags cut short", [.. Tag(16, Fixed32), 1]);
        yield return ("a field numbered 2^29 - 1", Field((1 << 29) - 1, Varint, [1]));
        yield return ("a tag of six bytes", [0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0]);
        yield return ("a tag of field 0", [0x00, 0]);
        yield return ("a tag cut short", [0x80]);
        yield return ("a padded name tag", [0xAA, 0x00, 1, (byte)'n']);
        yield return ("a padded name length", [0x2A, 0x81, 0x80, 0x00, (byte)'n']);
        yield return ("a name length of eleven bytes", [0x2A, .. Enumerable.Repeat((byte)0x81, 10), 0x00]);
        yield return ("a kind of ten bytes", Field(6, Varint, [.. Enumerable.Repeat((byte)0xFF, 9), 0x01]));
        yield return ("a group", [.. Tag(17, 3), .. Tag(17, 4)]);
        yield return ("a wire type 7", Tag(17, 7));
        yield return ("a status with a long message", Field(15, Len, Text(2, new string('m', 200))));
        yield return ("a parent id of 128 bytes", Field(4, Len, new byte[128]));
    }

    /// <summary>A span, a sum's data point and a log record with these attributes, each the only item of its scope.</summary>
    private static IEnumerable<(Signal Signal, byte[] Scope)> ScopesWith(byte[][] attributes, byte[] spanFields)
    {
        byte[] spanAttributes = [.. attributes.SelectMany(attribute => Field(9, Len, attribute))];
        byte[] span = [.. Field(1, Len, new byte[16]), .. Field(2, Len, new byte[8]), .. Text(5, "n"), .. spanAttributes, .. spanFields];
        yield return (Signal.Traces, Scope(span));

        byte[] point = [.. Field(6, Fixed64, new byte[8]), .. attributes.SelectMany(attribute => Field(7, Len, attribute))];
        byte[] metric = [.. Text(1, "m"), .. Field(7, Len, Field(1, Len, point))];
        yield return (Signal.Metrics, Scope(metric));

        byte[] record = [.. Field(9, Len, new byte[16]), .. attributes.SelectMany(attribute => Field(6, Len, attribute))];
        yield return (Signal.Logs, Scope(record));
    }

    /// <summary>A scope message: an instrumentation scope (1) and one item (2).</summary>
    private static byte[] Scope(byte[] item) => [.. Field(1, Len, Text(1, "scope")), .. Field(2, Len, item)];

    private static byte[] KeyValue(byte[] key, byte[] value) => [.. key, .. value];

    /// <summary>Field 2 of a KeyValue: an AnyValue with these fields.</summary>
    private static byte[] Any(byte[] fields) => Field(2, Len, fields);

    private static byte[] Text(int number, string text) => Field(number, Len, Encoding.UTF8.GetBytes(text));

    /// <summary>A field: length-delimited content gets its length in front, other content is the value as encoded.</summary>
    private static byte[] Field(int number, int wireType, byte[] content) =>
        wireType == Len ? [.. Tag(number, wireType), .. VarintBytes((ulong)content.Length), .. content] : [.. Tag(number, wireType), .. content];

    private static byte[] Tag(int number, int wireType) => VarintBytes(((ulong)number << 3) | (uint)wireType);

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
        return [.. bytes];
    }

    private static string Describe(OtlpLimitsOptions limits) => $"at most {limits.MaxAttributes} attributes of {limits.MaxAttributeValueLength} characters";
}
