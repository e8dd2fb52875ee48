using System.IO.Hashing;
using System.Text;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>Makes the text of bytes seen for the first time.</summary>
internal delegate string TextOf(ReadOnlySpan<byte> bytes);

/// <summary>
/// Texts made from bytes off the wire, kept so the same bytes give the same string again without allocating: metric
/// names, units, attribute keys and values repeat in every export of an application. Bounded in memory: a two-way
/// set-associative table of fixed size, where a newcomer takes the place of the older entry of its set, so a flood of
/// distinct values costs a string each and nothing more. Not thread-safe (the translator runs under its lock).
/// </summary>
internal sealed class Utf8TextCache
{
    /// <summary>Longer bytes are rarely repeated and would make the table's memory unpredictable: not kept.</summary>
    public const int MaxLength = 128;

    private static readonly TextOf Utf8 = static bytes => Encoding.UTF8.GetString(bytes);

    private readonly Entry[] _entries;
    private readonly int _setMask;
    private readonly TextOf _textOf;

    /// <param name="sets">The number of sets of two entries, a power of two.</param>
    /// <param name="textOf">How to make the text of new bytes; UTF-8 decoding when null.</param>
    public Utf8TextCache(int sets, TextOf? textOf = null)
    {
        if (sets <= 0 || (sets & (sets - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sets), sets, "The number of sets must be a power of two.");
        }

        _entries = new Entry[sets * 2];
        _setMask = sets - 1;
        _textOf = textOf ?? Utf8;
    }

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || bytes.Length > MaxLength)
        {
            return _textOf(bytes);
        }

        // XXH3 is the fastest hash at hand for short inputs; the low bits pick the set, the rest stays a check.
        ulong hash = XxHash3.HashToUInt64(bytes);
        int first = (int)(hash & (ulong)_setMask) * 2;
        ref var recent = ref _entries[first];
        if (recent.Hash == hash && bytes.SequenceEqual(recent.Bytes))
        {
            return recent.Text;
        }

        ref var older = ref _entries[first + 1];
        if (older.Hash == hash && bytes.SequenceEqual(older.Bytes))
        {
            // Used again: it becomes the recent one, so the next newcomer replaces the other.
            (recent, older) = (older, recent);
            return recent.Text;
        }

        string text = _textOf(bytes);
        older = recent;
        recent = new Entry(hash, bytes.ToArray(), text);
        return text;
    }

    private readonly record struct Entry(ulong Hash, byte[] Bytes, string Text);
}
