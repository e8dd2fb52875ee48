using Google.Protobuf;

namespace Agent.Core.Model.Wire;

/// <summary>
/// Cuts an encoded ScopeSpans or ScopeLogs in two without decoding it: its items (field 2, one unit each) are copied
/// as they are, and both halves get the scope's other fields. Each half is written in the order a protobuf writer
/// uses (the scope, the items, the schema URL, then unknown fields), so it is byte for byte what the decoded split
/// would encode. Cutting a big scope again and again (a small <c>send_batch_max_size</c>) thus costs copies, never a
/// decode of what is left.
/// </summary>
internal static class WireScopeCut
{
    private const int ScopeField = 1;
    private const int ItemsField = 2;

    /// <summary>The first <paramref name="count"/> items in front, the rest behind; a half without items is null.</summary>
    public static (ByteString? Front, ByteString? Back) CutItems(ByteString scope, int count)
    {
        var bytes = scope.Span;
        int items = 0;
        int frontSize = 0;
        int backSize = 0;
        var reader = new WireReader(bytes);
        int start = reader.Position;
        while (reader.Next(out int field, out int wireType, out _))
        {
            int length = reader.Position - start;
            start = reader.Position;
            if (!IsItem(field, wireType))
            {
                frontSize += length;
                backSize += length;
            }
            else if (items++ < count)
            {
                frontSize += length;
            }
            else
            {
                backSize += length;
            }
        }

        if (items <= count)
        {
            return (scope, null);
        }

        if (count <= 0)
        {
            return (null, scope);
        }

        return (Write(bytes, frontSize, 0, count), Write(bytes, backSize, count, items));
    }

    private static bool IsItem(int field, int wireType) => field == ItemsField && wireType == WireReader.LengthDelimited;

    /// <summary>The scope's own fields around its items numbered from <paramref name="firstItem"/> up to <paramref name="endItem"/>.</summary>
    private static ByteString Write(ReadOnlySpan<byte> scope, int size, int firstItem, int endItem)
    {
        var output = new byte[size];
        int at = 0;
        at = Copy(scope, output, at, static (field, _) => field == ScopeField, 0, 0);
        at = Copy(scope, output, at, static (field, wireType) => IsItem(field, wireType), firstItem, endItem);
        Copy(scope, output, at, static (field, wireType) => field != ScopeField && !IsItem(field, wireType), 0, 0);

        // The array is new and never written again: the ByteString may own it without a copy.
        return UnsafeByteOperations.UnsafeWrap(output);
    }

    /// <summary>
    /// Copies the fields <paramref name="wanted"/> picks, whole; for items only those numbered from
    /// <paramref name="firstItem"/> up to <paramref name="endItem"/> (when the range is not empty).
    /// </summary>
    private static int Copy(ReadOnlySpan<byte> scope, Span<byte> output, int at, Func<int, int, bool> wanted, int firstItem, int endItem)
    {
        var reader = new WireReader(scope);
        int start = reader.Position;
        int item = 0;
        while (reader.Next(out int field, out int wireType, out _))
        {
            int end = reader.Position;
            bool inRange = !IsItem(field, wireType) || endItem == 0 || (item >= firstItem && item < endItem);
            if (IsItem(field, wireType))
            {
                item++;
            }

            if (wanted(field, wireType) && inRange)
            {
                scope[start..end].CopyTo(output[at..]);
                at += end - start;
            }

            start = end;
        }

        return at;
    }
}
