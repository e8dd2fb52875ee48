using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Agent.Exporters.Otlp;

/// <summary>
/// The parts of a <c>google.rpc.Status</c> an exporter needs: the message, and the delay of a
/// <c>google.rpc.RetryInfo</c> detail. OTLP servers send it in gRPC's <c>grpc-status-details-bin</c> trailer and as
/// the body of a failed OTLP/HTTP response. Decoded by hand (three fields) rather than pulling in a package.
/// </summary>
public readonly record struct RpcStatus(int Code, string Message, TimeSpan? RetryDelay)
{
    private const int CodeField = 1;
    private const int MessageField = 2;
    private const int DetailsField = 3;
    private const int RetryDelayField = 1;
    public const string RetryInfoType = "google.rpc.RetryInfo";

    /// <summary>Decodes the status; false when the bytes are not one (callers then fall back to what they have).</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RpcStatus status)
    {
        status = default;
        try
        {
            var input = new CodedInputStream(data.ToArray());
            int code = 0;
            string message = string.Empty;
            TimeSpan? delay = null;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag))
                {
                    case CodeField when WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint:
                        code = input.ReadInt32();
                        break;
                    case MessageField when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        message = input.ReadString();
                        break;
                    case DetailsField when WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited:
                        delay ??= RetryDelayOf(Any.Parser.ParseFrom(input.ReadBytes()));
                        break;
                    default:
                        input.SkipLastField();
                        break;
                }
            }

            status = new RpcStatus(code, message, delay);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static TimeSpan? RetryDelayOf(Any detail)
    {
        if (!detail.TypeUrl.EndsWith("/" + RetryInfoType, StringComparison.Ordinal))
        {
            return null;
        }

        var input = detail.Value.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == RetryDelayField && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var duration = new Duration();
                input.ReadMessage(duration);
                return duration.ToTimeSpan();
            }

            input.SkipLastField();
        }

        // A RetryInfo without a delay still says "retry": with the usual backoff.
        return TimeSpan.Zero;
    }
}
