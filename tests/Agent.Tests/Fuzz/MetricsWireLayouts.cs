using Google.Protobuf;

namespace Agent.Tests.Fuzz;

/// <summary>
/// Rewrites an encoded <c>ScopeMetrics</c> into another layout a protobuf parser reads as the same message, the
/// layouts other encoders than Google.Protobuf's write: fields in another order (each repeated field keeping its own
/// order), packed numbers written one per field, a metric's data message split in two (the parser merges them),
/// and unknown fields here and there. The message kinds are those of the OTLP metrics schema.
/// </summary>
internal sealed class MetricsWireLayouts(Random random)
{
    private enum Kind
    {
        Opaque,
        ScopeMetrics,
        Metric,
        NumberData,
        HistogramData,
        SummaryData,
        NumberPoint,
        HistogramPoint,
        SummaryPoint,
    }

    public byte[] Rewrite(ReadOnlySpan<byte> scopeMetrics) => Rewrite(scopeMetrics, Kind.ScopeMetrics);

    private byte[] Rewrite(ReadOnlySpan<byte> message, Kind kind)
    {
        var fields = Read(message);
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.WireType == WireFormat.WireType.LengthDelimited && ChildOf(kind, field.Number) is var child and not Kind.Opaque)
            {
                fields[i] = field with { Payload = Rewrite(field.Payload, child) };
            }
        }

        if (kind == Kind.HistogramPoint)
        {
            // bucket_counts (6) and explicit_bounds (7): packed runs become one fixed64 field per number.
            fields = [.. fields.SelectMany(f => f.Number is 6 or 7 && f.WireType == WireFormat.WireType.LengthDelimited && random.Next(2) == 0 ? Unpacked(f) : [f])];
        }

        if (kind == Kind.Metric)
        {
            fields = [.. fields.SelectMany(f => f.Number is 5 or 7 or 9 or 11 && random.Next(2) == 0 ? SplitData(f) : [f])];
        }

        if (random.Next(2) == 0)
        {
            // Descending field numbers; OrderBy is stable, so a repeated field keeps its order.
            fields = [.. fields.OrderByDescending(f => f.Number)];
        }

        if (random.Next(3) == 0)
        {
            fields.Insert(random.Next(fields.Count + 1), new Field(1000 + random.Next(100), WireFormat.WireType.Varint, [], (ulong)random.Next()));
            fields.Insert(random.Next(fields.Count + 1), new Field(2000 + random.Next(100), WireFormat.WireType.LengthDelimited, [1, 2, 3], 0));
        }

        return Write(fields);
    }

    private static Kind ChildOf(Kind parent, int field) => (parent, field) switch
    {
        (Kind.ScopeMetrics, 2) => Kind.Metric,
        (Kind.Metric, 5 or 7) => Kind.NumberData,
        (Kind.Metric, 9) => Kind.HistogramData,
        (Kind.Metric, 11) => Kind.SummaryData,
        (Kind.NumberData, 1) => Kind.NumberPoint,
        (Kind.HistogramData, 1) => Kind.HistogramPoint,
        (Kind.SummaryData, 1) => Kind.SummaryPoint,
        _ => Kind.Opaque,
    };

    private static IEnumerable<Field> Unpacked(Field packed)
    {
        for (int i = 0; i + 8 <= packed.Payload.Length; i += 8)
        {
            yield return new Field(packed.Number, WireFormat.WireType.Fixed64, [], BitConverter.ToUInt64(packed.Payload, i));
        }
    }

    /// <summary>A data message as two: its points split between them, its settings in either.</summary>
    private IEnumerable<Field> SplitData(Field data)
    {
        var inner = Read(data.Payload);
        int cut = random.Next(inner.Count + 1);
        yield return data with { Payload = Write(inner[..cut]) };
        yield return data with { Payload = Write(inner[cut..]) };
    }

    private static List<Field> Read(ReadOnlySpan<byte> message)
    {
        var fields = new List<Field>();
        var input = new CodedInputStream(message.ToArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            fields.Add(wireType switch
            {
                WireFormat.WireType.Varint => new Field(number, wireType, [], input.ReadUInt64()),
                WireFormat.WireType.Fixed64 => new Field(number, wireType, [], input.ReadFixed64()),
                WireFormat.WireType.Fixed32 => new Field(number, wireType, [], input.ReadFixed32()),
                WireFormat.WireType.LengthDelimited => new Field(number, wireType, input.ReadBytes().ToByteArray(), 0),
                _ => throw new InvalidOperationException($"The generated messages have no wire type {wireType}."),
            });
        }

        return fields;
    }

    private static byte[] Write(IEnumerable<Field> fields)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        foreach (var field in fields)
        {
            output.WriteTag(field.Number, field.WireType);
            switch (field.WireType)
            {
                case WireFormat.WireType.Varint:
                    output.WriteUInt64(field.Value);
                    break;
                case WireFormat.WireType.Fixed64:
                    output.WriteFixed64(field.Value);
                    break;
                case WireFormat.WireType.Fixed32:
                    output.WriteFixed32((uint)field.Value);
                    break;
                default:
                    output.WriteBytes(ByteString.CopyFrom(field.Payload));
                    break;
            }
        }

        output.Flush();
        return buffer.ToArray();
    }

    private sealed record Field(int Number, WireFormat.WireType WireType, byte[] Payload, ulong Value);
}
