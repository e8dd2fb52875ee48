namespace Agent.Core.Config;

/// <summary>Where something was written in a configuration file; lines and columns count from 1.</summary>
public readonly record struct ConfigPosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
