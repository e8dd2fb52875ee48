using System.Text.Json;

namespace Agent.LoadHarness.Logs;

/// <summary>
/// Counts the entries of a Loki push in its JSON form (what Fluent Bit sends):
/// <c>{"streams":[{"stream":{...},"values":[["&lt;ns&gt;","&lt;line&gt;"], ...]}]}</c>.
/// </summary>
internal static class LokiJsonPushCounter
{
    /// <summary>The number of entries and the total bytes of their lines (as sent, JSON escapes included).</summary>
    public static (long Entries, long LineBytes) Count(ReadOnlySpan<byte> pushRequest)
    {
        var reader = new Utf8JsonReader(pushRequest);
        long entries = 0;
        long lineBytes = 0;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("values"u8))
                {
                    CountValues(ref reader, ref entries, ref lineBytes);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"not a Loki JSON push: {ex.Message}", ex);
        }

        return (entries, lineBytes);
    }

    /// <summary>Reads the <c>values</c> array: one entry per inner array, its second element the line.</summary>
    private static void CountValues(ref Utf8JsonReader reader, ref long entries, ref long lineBytes)
    {
        reader.Read();
        int outer = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > outer)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                continue;
            }

            entries++;
            reader.Read();
            reader.Read();
            lineBytes += reader.TokenType == JsonTokenType.String ? reader.ValueSpan.Length : 0;

            // Anything after the line (structured metadata) up to the entry's end.
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                reader.Skip();
            }
        }
    }
}
