namespace Agent.Core.Consumers;

/// <summary>A transient failure, with the delay the peer asked for (Retry-After, gRPC RetryInfo) when it named one.</summary>
public sealed class RetryableException : Exception
{
    public RetryableException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        RetryAfter = retryAfter;
    }

    public RetryableException()
    {
    }

    public RetryableException(string message)
        : base(message)
    {
    }

    public RetryableException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TimeSpan? RetryAfter { get; }
}
