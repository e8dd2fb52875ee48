using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Agent.Core.Model.Wire;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Rewrites a protobuf message whose string fields hold invalid UTF-8, with each invalid sequence replaced by U+FFFD.
/// The protobuf library refuses the whole message for one bad string; the Collector passes the bytes on unchecked.
/// Replacing them keeps the rest of the request, and gives backends valid text. Used only after a parse failed.
/// </summary>
internal static class ProtobufUtf8Repair
{
    private const int MaxDepth = 100;

    /// <summary>The repaired message; null when no string was invalid or the wire format itself is broken.</summary>
    public static byte[]? Repair(ReadOnlySequence<byte> body, MessageDescriptor descriptor)
    {
        var output = new ArrayBufferWriter<byte>((int)Math.Min(body.Length + 64, int.MaxValue));
        bool repaired = false;
        return RepairMessage(body.IsSingleSegment ? body.FirstSpan : body.ToArray(), descriptor, output, 0, ref repaired) && repaired
            ? output.WrittenSpan.ToArray()
            : null;
    }

    private static bool RepairMessage(ReadOnlySpan<byte> input, MessageDescriptor descriptor, ArrayBufferWriter<byte> output, int depth, ref bool repaired)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        while (!input.IsEmpty)
        {
            if (!ProtobufVarint.TryRead(ref input, out ulong tag))
            {
                return false;
            }

            WriteVarint(output, tag);
            int wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    if (!ProtobufVarint.TryRead(ref input, out ulong number))
                    {
                        return false;
                    }

                    WriteVarint(output, number);
                    break;
                case 1 or 5:
                    int size = wireType == 1 ? 8 : 4;
                    if (input.Length < size)
                    {
                        return false;
                    }

                    output.Write(input[..size]);
                    input = input[size..];
                    break;
                case 2:
                    if (!ProtobufVarint.TryRead(ref input, out ulong length) || length > (ulong)input.Length)
                    {
                        return false;
                    }

                    var payload = input[..(int)length];
                    input = input[(int)length..];
                    if (!RepairField(payload, descriptor.FindFieldByNumber((int)(tag >> 3)), output, depth, ref repaired))
                    {
                        return false;
                    }

                    break;
                default:
                    // Groups are not used by OTLP.
                    return false;
            }
        }

        return true;
    }

    private static bool RepairField(ReadOnlySpan<byte> payload, FieldDescriptor? field, ArrayBufferWriter<byte> output, int depth, ref bool repaired)
    {
        if (field?.FieldType == FieldType.String && !Utf8.IsValid(payload))
        {
            byte[] text = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload));
            WriteVarint(output, (ulong)text.Length);
            output.Write(text);
            repaired = true;
            return true;
        }

        if (field?.FieldType == FieldType.Message)
        {
            var inner = new ArrayBufferWriter<byte>(payload.Length + 16);
            if (!RepairMessage(payload, field.MessageType, inner, depth + 1, ref repaired))
            {
                return false;
            }

            WriteVarint(output, (ulong)inner.WrittenCount);
            output.Write(inner.WrittenSpan);
            return true;
        }

        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
        return true;
    }

    private static void WriteVarint(ArrayBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        int written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        output.Advance(written);
    }
}
