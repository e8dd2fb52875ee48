using System.Text;
using Agent.Core.Model.Wire;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>
/// The texts the translator reads off the wire, cached by their bytes: UTF-8 strings (metric names, units, scope
/// names, attribute keys) and label values, cached by the bytes of their whole <c>AnyValue</c> so that a number or a
/// boolean is formatted once too. Not thread-safe.
/// </summary>
internal sealed class WireTexts
{
    private const int StringValueField = 1;

    // At most 10,240 texts of up to 128 bytes: about 3 MiB when full, which only a flood of distinct values does.
    private readonly Utf8TextCache _strings = new(sets: 1024);
    private readonly Utf8TextCache _values = new(sets: 4096, LabelValueOf);

    /// <summary>The string of UTF-8 bytes.</summary>
    public string Text(ReadOnlySpan<byte> utf8) => _strings.Get(utf8);

    /// <summary>The label value of an encoded <c>AnyValue</c> (empty bytes: no value, an empty text).</summary>
    public string LabelValue(ReadOnlySpan<byte> anyValue) => _values.Get(anyValue);

    private static string LabelValueOf(ReadOnlySpan<byte> anyValue)
    {
        if (anyValue.IsEmpty)
        {
            return string.Empty;
        }

        // A string value alone (field 1, the common case) is its UTF-8 bytes; anything else goes the way of a decoded value.
        var reader = new WireReader(anyValue);
        if (reader.Next(out int field, out int wireType, out var text) && field == StringValueField && wireType == WireReader.LengthDelimited && reader.Position == anyValue.Length)
        {
            return Encoding.UTF8.GetString(text);
        }

        return LabelValues.Of(AnyValue.Parser.ParseFrom(anyValue));
    }
}
