using System.Text;

namespace Agent.Receivers.HostMetrics.ProcFs;

/// <summary>
/// Turns the names read from /proc (devices, interfaces, mount points, meminfo keys) into strings once: the next
/// scrape finds the same bytes and gets the same string back without allocating. Names seen once and never again
/// (a container's veth) stay until the cache is cleared; it holds at most <see cref="Limit"/> names.
/// </summary>
internal sealed class Utf8Strings
{
    private const int Limit = 4096;
    private const int StackLimit = 256;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public Utf8Strings()
    {
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        int most = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (most > StackLimit)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[most];
        chars = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        if (_lookup.TryGetValue(chars, out string? known))
        {
            return known;
        }

        if (_strings.Count >= Limit)
        {
            _strings.Clear();
        }

        string text = chars.ToString();
        _strings.Add(text, text);
        return text;
    }
}
