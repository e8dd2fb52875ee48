using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Agent.Core.Model;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// The byte form of an <see cref="ExportRequest"/>: everything needed to send it again, for a queue that keeps
/// requests as bytes. Little-endian: a version byte, the signal, the item count, flags for the optional fields, the
/// partition key, the content type, encoding and tenant as length-prefixed UTF-8, then the body. The notifiers are
/// not written: they belong to the sources of this process.
/// </summary>
public static class ExportRequestFormat
{
    private const byte Version = 1;
    private const byte HasKey = 1;
    private const byte HasEncoding = 2;
    private const byte HasTenant = 4;

    public static void Write(ExportRequest request, IBufferWriter<byte> output)
    {
        byte flags = (byte)((request.PartitionKey is null ? 0 : HasKey) |
                            (request.ContentEncoding is null ? 0 : HasEncoding) |
                            (request.Tenant is null ? 0 : HasTenant));
        var head = output.GetSpan(15);
        head[0] = Version;
        head[1] = (byte)request.Signal;
        BinaryPrimitives.WriteInt32LittleEndian(head[2..], request.Items);
        head[6] = flags;
        int written = 7;
        if (request.PartitionKey is { } key)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(head[7..], key);
            written += 8;
        }

        output.Advance(written);
        WriteText(output, request.ContentType);
        if (request.ContentEncoding is { } encoding)
        {
            WriteText(output, encoding);
        }

        if (request.Tenant is { } tenant)
        {
            WriteText(output, tenant);
        }

        WriteBytes(output, request.Body.Span);
    }

    /// <summary>Reads a request written by <see cref="Write"/>; its body is a copy, and it has no notifiers.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a request of a known version.</exception>
    public static ExportRequest Read(ReadOnlySpan<byte> input)
    {
        var reader = new Reader(input);
        byte version = reader.Byte();
        if (version != Version)
        {
            throw new InvalidDataException($"unknown request format version {version}");
        }

        byte signal = reader.Byte();
        if (signal > (byte)Signal.Logs)
        {
            throw new InvalidDataException($"unknown signal {signal}");
        }

        int items = reader.Int32();
        byte flags = reader.Byte();
        ulong? key = (flags & HasKey) != 0 ? reader.UInt64() : null;
        string contentType = reader.Text();
        string? encoding = (flags & HasEncoding) != 0 ? reader.Text() : null;
        string? tenant = (flags & HasTenant) != 0 ? reader.Text() : null;
        byte[] body = reader.Bytes().ToArray();
        if (!reader.AtEnd || items < 0)
        {
            throw new InvalidDataException("the request record is malformed");
        }

        return new ExportRequest((Signal)signal, items, body)
        {
            ContentType = contentType,
            ContentEncoding = encoding,
            Tenant = tenant,
            PartitionKey = key,
        };
    }

    /// <summary>The item count of a request record, read without decoding the rest; -1 when it is too short or of an unknown version.</summary>
    public static int PeekItems(ReadOnlySpan<byte> input) =>
        input.Length < 7 || input[0] != Version ? -1 : BinaryPrimitives.ReadInt32LittleEndian(input[2..]);

    private static void WriteText(IBufferWriter<byte> output, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var span = output.GetSpan(4 + length);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        Encoding.UTF8.GetBytes(text, span[4..]);
        output.Advance(4 + length);
    }

    private static void WriteBytes(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        var span = output.GetSpan(4 + bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span, bytes.Length);
        bytes.CopyTo(span[4..]);
        output.Advance(4 + bytes.Length);
    }

    private ref struct Reader(ReadOnlySpan<byte> input)
    {
        private ReadOnlySpan<byte> _rest = input;

        public readonly bool AtEnd => _rest.IsEmpty;

        public byte Byte() => Take(1)[0];

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public string Text() => Encoding.UTF8.GetString(Bytes());

        public ReadOnlySpan<byte> Bytes()
        {
            int length = Int32();
            return length < 0 ? throw new InvalidDataException("negative length in a request record") : Take(length);
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_rest.Length < count)
            {
                throw new InvalidDataException("the request record ends early");
            }

            var taken = _rest[..count];
            _rest = _rest[count..];
            return taken;
        }
    }
}
