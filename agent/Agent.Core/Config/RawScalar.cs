namespace Agent.Core.Config;

/// <summary>A single value of a <see cref="RawNode"/> subtree, as text with environment references expanded.</summary>
public sealed class RawScalar : RawNode
{
    public RawScalar(string path, ConfigPosition position, string value, bool isQuoted)
        : base(path, position)
    {
        Value = value;
        IsQuoted = isQuoted;
    }

    public string Value { get; }

    /// <summary>True when written in quotes, so <c>"42"</c> or <c>"null"</c> is meant as text.</summary>
    public bool IsQuoted { get; }

    /// <summary>YAML's null: an unquoted empty value, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => !IsQuoted && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string ToString() => Value;
}
