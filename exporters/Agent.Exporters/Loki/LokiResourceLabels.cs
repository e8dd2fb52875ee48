using Agent.Exporters.Loki.Encoding;
using Agent.Exporters.Serialization;

namespace Agent.Exporters.Loki;

/// <summary>The labels of one stream: the selector text Loki parses and the pairs (for the JSON push format).</summary>
internal sealed class LokiStreamLabels
{
    public LokiStreamLabels(KeyValuePair<string, string>[] sortedLabels)
    {
        Labels = sortedLabels;
        Selector = LokiLabelNames.Selector(sortedLabels);
        SelectorUtf8 = System.Text.Encoding.UTF8.GetBytes(Selector);
    }

    public KeyValuePair<string, string>[] Labels { get; }

    public string Selector { get; }

    public byte[] SelectorUtf8 { get; }
}

/// <summary>
/// What a resource contributes to every entry it owns, worked out once per resource and cached: the tenant, the
/// stream labels per level, and the structured metadata already encoded, so each line only copies bytes.
/// </summary>
internal sealed class LokiResourceLabels
{
    private readonly LokiStreamLabels?[] _byLevel = new LokiStreamLabels?[LokiLevels.Count];

    public LokiResourceLabels(string? tenant, KeyValuePair<string, string>[] sortedLabels, KeyValuePair<string, string>[] metadata)
    {
        Tenant = tenant;
        BaseLabels = sortedLabels;
        Metadata = metadata;
        MetadataProto = LokiMetadata.ToProto(metadata);
        MetadataJson = LokiMetadata.ToJsonMembers(metadata);
    }

    public string? Tenant { get; }

    /// <summary>The index labels without <c>level</c>, sorted by name.</summary>
    public KeyValuePair<string, string>[] BaseLabels { get; }

    public KeyValuePair<string, string>[] Metadata { get; }

    /// <summary>The metadata as repeated <c>EntryAdapter.structuredMetadata</c> fields.</summary>
    public byte[] MetadataProto { get; }

    /// <summary>The metadata as JSON object members (<c>"a":"1","b":"2"</c>), without braces.</summary>
    public byte[] MetadataJson { get; }

    /// <summary>The stream of this resource's entries at <paramref name="level"/>.</summary>
    public LokiStreamLabels ForLevel(LokiLabelMapper mapper, int level)
    {
        int slot = mapper.LevelIsLabel ? level : LokiLevels.None;
        return _byLevel[slot] ??= new LokiStreamLabels(mapper.WithLevel(BaseLabels, slot));
    }
}

/// <summary>Structured metadata pairs in both push encodings.</summary>
internal static class LokiMetadata
{
    public const int StructuredMetadataField = 3;

    public static byte[] ToProto(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        using var buffer = new PooledByteBuffer(256);
        foreach (var (name, value) in pairs)
        {
            WriteProtoPair(buffer, System.Text.Encoding.UTF8.GetBytes(name), System.Text.Encoding.UTF8.GetBytes(value));
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] ToJsonMembers(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        using var buffer = new PooledByteBuffer(256);
        foreach (var (name, value) in pairs)
        {
            WriteJsonMember(buffer, name, value);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The encoded size of one <c>structuredMetadata</c> field.</summary>
    public static int ProtoPairSize(int nameLength, int valueLength)
    {
        int content = PooledByteBuffer.LengthDelimitedSize(nameLength) + PooledByteBuffer.LengthDelimitedSize(valueLength);
        return PooledByteBuffer.LengthDelimitedSize(content);
    }

    public static void WriteProtoPair(PooledByteBuffer output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        output.WriteTag(StructuredMetadataField, 2);
        output.WriteVarint((uint)(PooledByteBuffer.LengthDelimitedSize(name.Length) + PooledByteBuffer.LengthDelimitedSize(value.Length)));
        output.WriteLengthDelimited(1, name);
        output.WriteLengthDelimited(2, value);
    }

    /// <summary>Writes <c>"name":"value"</c>, with a comma first when the object already has members.</summary>
    public static void WriteJsonMember(PooledByteBuffer output, string name, string value)
    {
        if (output.Length > 0)
        {
            output.WriteByte((byte)',');
        }

        JsonText.WriteString(output, name);
        output.WriteByte((byte)':');
        JsonText.WriteString(output, value);
    }
}
