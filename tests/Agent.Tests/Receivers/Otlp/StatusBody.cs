using System.Text.Json;
using Google.Protobuf;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>Reads a <c>google.rpc.Status</c> error body (code = 1, message = 2) the way a client would.</summary>
internal static class StatusBody
{
    public static (int Code, string Message) ParseProtobuf(byte[] body)
    {
        var input = new CodedInputStream(body);
        int code = 0;
        string message = string.Empty;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: code = input.ReadInt32(); break;
                case 2: message = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (code, message);
    }

    public static (int Code, string Message) ParseJson(string body)
    {
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("code").GetInt32(), json.RootElement.GetProperty("message").GetString() ?? string.Empty);
    }
}
