using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agent.Receivers.Otlp;

/// <summary>
/// OTLP/JSON ids are hex, but the protobuf JSON parser reads them as base64 first (see <see cref="OtlpJsonIds"/>),
/// and hex of a length that is not a multiple of four is not base64: the parser refused the whole request where
/// the same request in protobuf loses only the item with the bad id. On that failure, hex ids of the wrong length
/// are replaced with one that parses and has the wrong length once decoded, so <see cref="OtlpIdValidation"/>
/// removes their items and the client hears of them as a partial success, as with protobuf.
/// </summary>
internal static class OtlpJsonWrongLengthIds
{
    // Base64 for three bytes; read back as hex it is two bytes, a length no id has.
    private const string WrongLengthId = "0000";

    private static readonly Dictionary<string, int> HexLengths = new(StringComparer.Ordinal)
    {
        ["traceId"] = OtlpIdValidation.TraceIdLength * 2,
        ["trace_id"] = OtlpIdValidation.TraceIdLength * 2,
        ["spanId"] = OtlpIdValidation.SpanIdLength * 2,
        ["span_id"] = OtlpIdValidation.SpanIdLength * 2,
        ["parentSpanId"] = OtlpIdValidation.SpanIdLength * 2,
        ["parent_span_id"] = OtlpIdValidation.SpanIdLength * 2,
    };

    /// <summary>The body with every wrong-length hex id replaced; null when it has none (or is not JSON at all).</summary>
    public static byte[]? Replace(ReadOnlySequence<byte> body)
    {
        JsonNode? root;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 128 });
            root = JsonNode.Parse(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is null || !ReplaceIn(root))
        {
            return null;
        }

        // Written node by node rather than through the serializer, which needs reflection under Native AOT.
        var written = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(written))
        {
            root.WriteTo(writer);
        }

        return written.WrittenSpan.ToArray();
    }

    private static bool ReplaceIn(JsonNode node)
    {
        bool replaced = false;
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                replaced |= item is not null && ReplaceIn(item);
            }
        }
        else if (node is JsonObject obj)
        {
            foreach (var (name, value) in obj.ToList())
            {
                if (HexLengths.TryGetValue(name, out int length) && value is JsonValue text && text.TryGetValue(out string? hex) && IsWrongLengthHex(hex, length))
                {
                    obj[name] = WrongLengthId;
                    replaced = true;
                }
                else if (value is not null)
                {
                    replaced |= ReplaceIn(value);
                }
            }
        }

        return replaced;
    }

    /// <summary>Hex digits, but not as many as the id needs; an empty id means "not set" and is left alone.</summary>
    private static bool IsWrongLengthHex(string value, int length) =>
        value.Length > 0 && value.Length != length && value.All(char.IsAsciiHexDigit);
}
