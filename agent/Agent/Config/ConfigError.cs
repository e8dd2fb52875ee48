namespace Agent.Config;

/// <summary>One problem in a configuration, located by file, line, column and key path.</summary>
public sealed record ConfigError(string File, int Line, int Column, string KeyPath, string Message)
{
    public override string ToString() =>
        Line > 0
            ? $"{File}:{Line}:{Column}: {KeyPath}: {Message}"
            : $"{File}: {KeyPath}: {Message}";
}

/// <summary>Thrown when a configuration cannot be used; carries every problem found, not just the first.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public ConfigException()
        : this([])
    {
    }

    public ConfigException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ConfigException(string message, Exception inner)
        : base(message, inner)
    {
        Errors = [];
    }

    public IReadOnlyList<ConfigError> Errors { get; } = [];
}
