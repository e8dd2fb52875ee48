namespace Agent.Receivers.Otlp;

/// <summary>A request body that is not the message it claims to be: answered with 400 / INVALID_ARGUMENT.</summary>
internal sealed class MalformedRequestException : Exception
{
    public MalformedRequestException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
