using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Agent.Tests.Fuzz;

/// <summary>
/// Rewrites encoded protobuf messages field by field, knowing from the descriptors which length-delimited fields
/// are strings and which are messages (to be entered), so a fault can be put into any string of a nested message
/// with every enclosing length fixed.
/// </summary>
internal static class WireEdits
{
    /// <summary>
    /// A copy of <paramref name="message"/> with each string field (depth-first, in wire order) offered to
    /// <paramref name="edit"/>, which returns new bytes or null to keep them.
    /// </summary>
    public static byte[] EditStrings(byte[] message, MessageDescriptor descriptor, Func<FieldDescriptor, byte[], byte[]?> edit) =>
        Edit(message, descriptor, edit, static _ => []);

    /// <summary>
    /// A copy of <paramref name="message"/> with the bytes <paramref name="extra"/> gives for each message (the scope
    /// itself and every message inside it) added at its end, such as fields it does not know.
    /// </summary>
    public static byte[] AppendToMessages(byte[] message, MessageDescriptor descriptor, Func<MessageDescriptor, byte[]> extra) =>
        Edit(message, descriptor, static (_, _) => null, extra);

    private static byte[] Edit(byte[] message, MessageDescriptor descriptor, Func<FieldDescriptor, byte[], byte[]?> edit, Func<MessageDescriptor, byte[]> extra)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            output.WriteTag(tag);
            var field = descriptor.FindFieldByNumber(WireFormat.GetTagFieldNumber(tag));
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    output.WriteUInt64(input.ReadUInt64());
                    break;
                case WireFormat.WireType.Fixed64:
                    output.WriteFixed64(input.ReadFixed64());
                    break;
                case WireFormat.WireType.Fixed32:
                    output.WriteFixed32(input.ReadFixed32());
                    break;
                case WireFormat.WireType.LengthDelimited:
                    byte[] payload = input.ReadBytes().ToByteArray();
                    payload = field?.FieldType switch
                    {
                        FieldType.Message => Edit(payload, field.MessageType, edit, extra),
                        FieldType.String => edit(field, payload) ?? payload,
                        _ => payload,
                    };
                    output.WriteBytes(ByteString.CopyFrom(payload));
                    break;
                default:
                    throw new InvalidOperationException("groups are not expected in OTLP");
            }
        }

        output.Flush();
        buffer.Write(extra(descriptor));
        return buffer.ToArray();
    }

    /// <summary>Every string field reachable from <paramref name="descriptor"/>, by full name.</summary>
    public static HashSet<string> StringFields(MessageDescriptor descriptor)
    {
        var found = new HashSet<string>();
        var seen = new HashSet<MessageDescriptor>();
        void Visit(MessageDescriptor message)
        {
            if (!seen.Add(message))
            {
                return;
            }

            foreach (var field in message.Fields.InFieldNumberOrder())
            {
                if (field.FieldType == FieldType.String)
                {
                    found.Add(field.FullName);
                }
                else if (field.FieldType == FieldType.Message)
                {
                    Visit(field.MessageType);
                }
            }
        }

        Visit(descriptor);
        return found;
    }
}
