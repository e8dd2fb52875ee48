using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;

namespace Agent.Receivers.Otlp;

/// <summary>
/// The body of an OTLP/HTTP error answer: a <c>google.rpc.Status</c> message (<c>code</c> = 1, <c>message</c> = 2)
/// in the request's encoding. Written by hand because it is two fields and no proto of it is compiled here.
/// </summary>
internal static class OtlpStatusBody
{
    public static byte[] Encode(StatusCode code, string message, OtlpEncoding encoding)
    {
        if (encoding == OtlpEncoding.Json)
        {
            using var json = new MemoryStream();
            using (var writer = new Utf8JsonWriter(json))
            {
                writer.WriteStartObject();
                writer.WriteNumber("code", (int)code);
                writer.WriteString("message", message);
                writer.WriteEndObject();
            }

            return json.ToArray();
        }

        int size = CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeInt32Size((int)code) +
            CodedOutputStream.ComputeTagSize(2) + CodedOutputStream.ComputeStringSize(message);
        var bytes = new byte[size];
        var output = new CodedOutputStream(bytes);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32((int)code);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(message);
        output.CheckNoSpaceLeft();
        return bytes;
    }
}
