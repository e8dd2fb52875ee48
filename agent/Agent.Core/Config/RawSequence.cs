namespace Agent.Core.Config;

/// <summary>A list in a <see cref="RawNode"/> subtree; item paths end in <c>[index]</c>.</summary>
public sealed class RawSequence : RawNode
{
    public RawSequence(string path, ConfigPosition position, IReadOnlyList<RawNode> items)
        : base(path, position)
    {
        Items = items;
    }

    public IReadOnlyList<RawNode> Items { get; }
}
