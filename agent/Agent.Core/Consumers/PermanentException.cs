namespace Agent.Core.Consumers;

/// <summary>
/// Data that no retry can deliver (malformed, too old, refused by the backend with a 4xx). Exporters drop and count
/// it; receivers answer with InvalidArgument / 400.
/// </summary>
public sealed class PermanentException : Exception
{
    public PermanentException(string message)
        : base(message)
    {
    }

    public PermanentException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public PermanentException()
    {
    }
}
