using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Receiving;
using Agent.Core.Telemetry;
using Google.Protobuf;

namespace Agent.Receivers.Otlp;

internal readonly record struct ExportResult<TResponse>(ReceiveOutcome Outcome, TResponse Response, string Message);

/// <summary>
/// What the gRPC and HTTP front ends share once a request is decoded: invalid items are removed and reported as a
/// partial success, and the rest goes through the receiver helper: success is answered once the pipeline took the
/// data, once it is on disk when every exporter behind has a persistent queue (<c>acknowledgements</c> unset), or
/// with <c>acknowledgements: true</c> once every exporter delivered it. Before that, the receiver's attribute
/// limits are applied and what they dropped or cut is counted. A request whose records stayed encoded passed those
/// checks already (see <see cref="OtlpWireIntake"/>) and goes on as it is.
/// </summary>
internal sealed class OtlpIngest(ReceiverHelper helper, OtlpLimitsOptions limits)
{
    public ReceiverTelemetry Telemetry => helper.Telemetry;

    public OtlpLimitsOptions Limits => limits;

    public async Task<ExportResult<TResponse>> ExportAsync<TRequest, TResponse, TBatch>(
        OtlpSignal<TRequest, TResponse, TBatch> signal,
        IConsumer<TBatch> consumer,
        OtlpReceived<TRequest> received,
        string transport,
        ClientContext client,
        CancellationToken requestAborted)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        var (batch, response) = received.Encoded is { } encoded
            ? (signal.FromWire(encoded, received.Body, received.EncodedItems), new TResponse())
            : Checked(signal, received.Decoded!, transport);
        var result = await helper.ReceiveAsync(consumer, batch, transport, client, requestAborted).ConfigureAwait(false);
        return new(result.Outcome, response, result.Message);
    }

    /// <summary>The full path: invalid items removed (a partial success says how many), attribute limits applied.</summary>
    private (TBatch Batch, TResponse Response) Checked<TRequest, TResponse, TBatch>(OtlpSignal<TRequest, TResponse, TBatch> signal, TRequest request, string transport)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>, new()
        where TBatch : Batch
    {
        int invalid = signal.RemoveInvalid(request);
        int references = signal.RemoveInvalidReferences(request);
        var response = new TResponse();
        if (invalid > 0 || references > 0)
        {
            // Items removed are rejected; removed links or exemplars leave their items accepted, so they are a warning.
            var said = new List<string>(2);
            if (invalid > 0)
            {
                helper.Telemetry.Refused(transport, signal.Signal, invalid);
                said.Add($"{invalid} {signal.Signal.ItemName()} had a trace or span id of the wrong length");
            }

            if (references > 0)
            {
                helper.Telemetry.ReferencesDropped(signal.ReferenceName, references);
                said.Add($"{references} {signal.ReferenceName} had a trace or span id of the wrong length and were left out");
            }

            response = signal.PartialSuccess(invalid, $"{string.Join("; ", said)} (16 and 8 bytes; 32 and 16 hex digits in OTLP/JSON)");
        }

        var limited = signal.LimitAttributes(request, limits);
        if (limited.Dropped > 0)
        {
            helper.Telemetry.AttributesLimited("count", limited.Dropped);
        }

        if (limited.Truncated > 0)
        {
            helper.Telemetry.AttributesLimited("length", limited.Truncated);
        }

        return (signal.ToBatch(request), response);
    }
}
