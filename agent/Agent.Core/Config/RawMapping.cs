using System.Diagnostics.CodeAnalysis;

namespace Agent.Core.Config;

/// <summary>One key and its value in a <see cref="RawMapping"/>; the key keeps its own position for "unknown key" errors.</summary>
public sealed record RawEntry(RawScalar Key, RawNode Value);

/// <summary>A mapping in a <see cref="RawNode"/> subtree, in the order written; keys are unique (YAML requires it).</summary>
public sealed class RawMapping : RawNode
{
    private readonly Dictionary<string, RawNode> _byKey;

    public RawMapping(string path, ConfigPosition position, IReadOnlyList<RawEntry> entries)
        : base(path, position)
    {
        Entries = entries;
        _byKey = new Dictionary<string, RawNode>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            _byKey.TryAdd(entry.Key.Value, entry.Value);
        }
    }

    public IReadOnlyList<RawEntry> Entries { get; }

    public IEnumerable<string> Keys => Entries.Select(e => e.Key.Value);

    public bool TryGetValue(string key, [NotNullWhen(true)] out RawNode? value) => _byKey.TryGetValue(key, out value);
}
