using Google.Protobuf;

namespace Agent.Receivers.Otlp;

/// <summary>
/// What a client is told about a body that failed to decode, in our words: the protobuf library's texts advise its
/// own API ("Use CodedInputStream.SetRecursionLimit()"), which means nothing to a client and tells it how we parse.
/// </summary>
internal static class DecodeErrorText
{
    public static string Of(Exception exception) => exception.Message switch
    {
        var text when text.Contains("levels of nesting", StringComparison.Ordinal) =>
            "the message is nested deeper than the receiver accepts (100 levels)",
        var text when text.Contains("too large", StringComparison.Ordinal) =>
            "the message is larger than the receiver accepts",
        var text when exception is InvalidProtocolBufferException && text.Contains(". Use ", StringComparison.Ordinal) =>
            text[..text.IndexOf(". Use ", StringComparison.Ordinal)],
        var text => text,
    };
}
