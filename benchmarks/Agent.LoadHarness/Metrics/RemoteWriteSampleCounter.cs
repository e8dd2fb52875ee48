using Agent.LoadHarness.Wire;

namespace Agent.LoadHarness.Metrics;

/// <summary>Counts the samples of a remote-write 1.0 <c>WriteRequest</c> on the wire: timeseries = 1 → TimeSeries.samples = 2.</summary>
internal static class RemoteWriteSampleCounter
{
    public static (long Samples, long Bytes) Count(ReadOnlySpan<byte> writeRequest)
    {
        long samples = 0;
        int position = 0;
        while (position < writeRequest.Length)
        {
            var (field, wire) = ProtobufWire.ReadTag(writeRequest, ref position);
            if (field == 1 && wire == ProtobufWire.LengthDelimited)
            {
                samples += ProtobufWire.CountField(ProtobufWire.ReadLengthDelimited(writeRequest, ref position), field: 2);
            }
            else
            {
                ProtobufWire.Skip(writeRequest, ref position, wire);
            }
        }

        return (samples, 0);
    }
}
