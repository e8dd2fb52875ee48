using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model.Wire;

/// <summary>
/// Reads a <see cref="WireRequest"/> whose scope groups point into its <see cref="WireBody"/> instead of being copied
/// (the protobuf parser copies every <c>bytes</c> field). Only the layout every OTLP exporter writes is taken:
/// resource groups holding at most one resource, scope groups and a schema URL. Anything else (unknown fields, a
/// field of the wrong wire type, a resource written in two parts) returns null for the protobuf parser to read, so
/// what the reader gives is always what the parser would.
/// </summary>
public static class WireRequestReader
{
    private const int GroupsField = 1;
    private const int ResourceField = 1;
    private const int ScopesField = 2;
    private const int SchemaUrlField = 3;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The request in <paramref name="body"/>, or null when it is laid out otherwise or is not protobuf.
    /// </summary>
    /// <exception cref="InvalidProtocolBufferException">A resource is not a valid message.</exception>
    /// <exception cref="DecoderFallbackException">A string is not UTF-8.</exception>
    public static WireRequest? TryRead(WireBody body)
    {
        var memory = body.Memory;
        var reader = new WireReader(memory.Span);
        var request = new WireRequest();
        while (reader.Position < memory.Length)
        {
            if (!reader.Next(out int field, out int wireType, out var content) || field != GroupsField || wireType != WireReader.LengthDelimited)
            {
                return null;
            }

            var group = ReadGroup(memory.Slice(reader.Position - content.Length, content.Length));
            if (group is null)
            {
                return null;
            }

            request.Groups.Add(group);
        }

        return request;
    }

    private static WireResourceGroup? ReadGroup(ReadOnlyMemory<byte> memory)
    {
        var reader = new WireReader(memory.Span);
        var group = new WireResourceGroup();
        while (reader.Position < memory.Length)
        {
            if (!reader.Next(out int field, out int wireType, out var content) || wireType != WireReader.LengthDelimited)
            {
                return null;
            }

            switch (field)
            {
                case ResourceField when group.Resource is null:
                    group.Resource = Resource.Parser.ParseFrom(content);
                    break;
                case ScopesField:
                    group.Scopes.Add(UnsafeByteOperations.UnsafeWrap(memory.Slice(reader.Position - content.Length, content.Length)));
                    break;
                case SchemaUrlField:
                    group.SchemaUrl = StrictUtf8.GetString(content);
                    break;
                default:
                    return null;
            }
        }

        return group;
    }
}
