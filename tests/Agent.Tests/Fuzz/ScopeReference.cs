using System.Text;
using Agent.Core.Model;
using Agent.Receivers.Otlp;
using Google.Protobuf;

namespace Agent.Tests.Fuzz;

/// <summary>
/// What <see cref="OtlpWireCheck.IsClean"/> must agree with, computed the slow way: the scope's bytes inside an
/// export request, parsed by the generated parser, then the receiver's id validation and attribute limits. Clean
/// when the parse succeeds and neither removes nor cuts anything. Its items are counted on the parsed request too.
/// </summary>
internal static class ScopeReference
{
    public static bool IsClean(byte[] scope, Signal signal, OtlpLimitsOptions limits) => signal switch
    {
        Signal.Traces => IsClean(OtlpSignals.Traces, scope, limits),
        Signal.Metrics => IsClean(OtlpSignals.Metrics, scope, limits),
        _ => IsClean(OtlpSignals.Logs, scope, limits),
    };

    /// <summary>The scope's items (spans, data points, log records) as the parsed request's batch counts them.</summary>
    public static int ItemCount(byte[] scope, Signal signal) => signal switch
    {
        Signal.Traces => OtlpSignals.Traces.ToBatch(OtlpSignals.Traces.Parser.ParseFrom(InRequest(scope))).ItemCount,
        Signal.Metrics => OtlpSignals.Metrics.ToBatch(OtlpSignals.Metrics.Parser.ParseFrom(InRequest(scope))).ItemCount,
        _ => OtlpSignals.Logs.ToBatch(OtlpSignals.Logs.Parser.ParseFrom(InRequest(scope))).ItemCount,
    };

    /// <summary>The scope as the only scope (field 2) of the only resource group (field 1) of a request.</summary>
    public static byte[] InRequest(byte[] scope) => LengthDelimited(1, LengthDelimited(2, scope));

    private static bool IsClean<TRequest, TResponse, TBatch>(OtlpSignal<TRequest, TResponse, TBatch> signal, byte[] scope, OtlpLimitsOptions limits)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        TRequest request;
        try
        {
            request = signal.Parser.ParseFrom(InRequest(scope));
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or DecoderFallbackException)
        {
            return false;
        }

        if (signal.RemoveInvalid(request) > 0 || signal.RemoveInvalidReferences(request) > 0)
        {
            return false;
        }

        var tally = signal.LimitAttributes(request, limits);
        return tally.Dropped == 0 && tally.Truncated == 0;
    }

    private static byte[] LengthDelimited(int field, byte[] payload)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(payload));
        output.Flush();
        return buffer.ToArray();
    }
}
