using System.Buffers;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Agent.Tests.Receivers.Otlp;
using Google.Protobuf;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Core.Model;

/// <summary>
/// The layouts the pooled reader leaves to the protobuf parser, and the holds on a pooled body as a batch made from it
/// is shared, split, copied and merged.
/// </summary>
public class WireRequestReaderTests
{
    private static WireBody Body(byte[] bytes) => WireBody.CopyOf(new ReadOnlySequence<byte>(bytes));

    private const WireFormat.WireType Bytes = WireFormat.WireType.LengthDelimited;
    private const WireFormat.WireType Varint = WireFormat.WireType.Varint;

    /// <summary>One field: <paramref name="content"/> when length-delimited, else the number 7.</summary>
    private static byte[] Field(int number, WireFormat.WireType type, byte[] content)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        output.WriteTag(number, type);
        if (type == Bytes)
        {
            output.WriteBytes(ByteString.CopyFrom(content));
        }
        else
        {
            output.WriteUInt64(7);
        }

        output.Flush();
        return stream.ToArray();
    }

    public static TheoryData<string, byte[]> UnusualLayouts()
    {
        byte[] group = new WireResourceGroup { Resource = new Resource(), Scopes = { ByteString.CopyFromUtf8("x") } }.ToByteArray();
        byte[] resource = new Resource { DroppedAttributesCount = 1 }.ToByteArray();
        return new()
        {
            { "an unknown field in the request", [.. Field(1, Bytes, group), .. Field(5, Bytes, [1])] },
            { "resource groups of the wrong wire type", Field(1, Varint, []) },
            { "an unknown field in a resource group", Field(1, Bytes, [.. group, .. Field(9, Varint, [])]) },
            { "a resource written in two parts", Field(1, Bytes, [.. Field(1, Bytes, resource), .. Field(1, Bytes, resource)]) },
            { "scope groups of the wrong wire type", Field(1, Bytes, Field(2, Varint, [])) },
        };
    }

    [Theory]
    [MemberData(nameof(UnusualLayouts))]
    public void Unusual_layouts_are_left_to_the_parser(string layout, byte[] bytes)
    {
        Assert.NotNull(WireRequest.Parser.ParseFrom(bytes)); // valid protobuf, just not what exporters write
        Assert.True(WireRequestReader.TryRead(Body(bytes)) is null, layout);
    }

    [Fact]
    public void A_schema_url_that_is_not_utf8_is_refused_as_the_parser_refuses_it()
    {
        byte[] bytes = Field(1, Bytes, Field(3, Bytes, [0xC3, 0x28]));
        Assert.ThrowsAny<Exception>(() => WireRequest.Parser.ParseFrom(bytes));
        Assert.Throws<System.Text.DecoderFallbackException>(() => WireRequestReader.TryRead(Body(bytes)));
    }

    private static (TracesBatch Batch, WireBody Body) Pooled(string service, int spans)
    {
        var body = Body(EncodedBodies.Traces(service, spans).Body);
        return (new TracesBatch(WireRequestReader.TryRead(body)!, body), body);
    }

    [Fact]
    public void Every_reader_of_a_shared_batch_holds_the_body_until_it_lets_go()
    {
        var (batch, body) = Pooled("a", 3);
        batch.RetainData(2); // a fan-out to three consumers

        batch.ReleaseData();
        batch.ReleaseData();
        Assert.False(body.Returned);
        batch.ReleaseData();
        Assert.True(body.Returned);
    }

    [Fact]
    public void A_split_off_front_and_a_copy_hold_the_body_as_long_as_they_live()
    {
        var (batch, body) = Pooled("a", 6);
        var front = batch.SplitFront(4);
        var copy = front.Clone();
        byte[] expected = front.Message.ToByteArray();

        batch.ReleaseData();
        front.ReleaseData();
        Assert.False(body.Returned);
        Assert.Equal(expected, copy.Message.ToByteArray());
        copy.ReleaseData();
        Assert.True(body.Returned);
    }

    [Fact]
    public void A_merged_batch_takes_over_the_holds_of_what_joined_it()
    {
        var (pending, first) = Pooled("a", 2);
        var (next, second) = Pooled("b", 2);
        pending.Append(next);

        next.ReleaseData(); // emptied by the merge: it holds nothing any more
        Assert.False(first.Returned || second.Returned);
        Assert.Equal(4, pending.ItemCount);
        pending.ReleaseData();
        Assert.True(first.Returned && second.Returned);
    }
}
