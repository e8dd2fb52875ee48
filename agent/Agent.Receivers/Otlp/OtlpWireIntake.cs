using System.Buffers;
using Agent.Core.Consumers;
using Agent.Core.Model;
using Agent.Core.Model.Wire;
using Google.Protobuf;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Receivers.Otlp;

/// <summary>
/// The pass-through door: a protobuf body parsed with its scope groups left encoded, taken only when everything
/// behind the receiver handles encoded records and the full path would change nothing (every scope clean by
/// <see cref="OtlpWireCheck"/>, every resource within the attribute limits). Anything else, a parse failure
/// included, returns null and takes the full path, with its repairs, partial successes and error answers.
/// </summary>
internal static class OtlpWireIntake
{
    /// <summary>
    /// The request with its scope groups encoded, the pooled copy of the body they point into (held once, for the
    /// batch to take over; null when the protobuf parser had to read an unusual layout and the groups own their bytes),
    /// and its items as the check counted them.
    /// </summary>
    public static (WireRequest Request, WireBody? Body, int Items)? TryParse<TBatch>(IConsumer<TBatch> consumer, ReadOnlySequence<byte> body, Signal signal, OtlpLimitsOptions limits)
        where TBatch : Batch
    {
        if (consumer is not IHandlesEncodedRecords { HandlesEncodedRecords: true })
        {
            return null;
        }

        WireBody? pooled = WireBody.CopyOf(body);
        WireRequest request;
        try
        {
            if (WireRequestReader.TryRead(pooled) is { } read)
            {
                request = read;
            }
            else
            {
                pooled.Release();
                pooled = null;
                request = WireRequest.Parser.ParseFrom(body);
            }
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or System.Text.DecoderFallbackException)
        {
            pooled?.Release();
            return null;
        }

        if (!IsClean(request, signal, limits, out int items))
        {
            pooled?.Release();
            return null;
        }

        return (request, pooled, items);
    }

    private static bool IsClean(WireRequest request, Signal signal, OtlpLimitsOptions limits, out int items)
    {
        items = 0;
        var groups = request.Groups;
        for (int g = 0; g < groups.Count; g++)
        {
            if (!WithinLimits(groups[g].Resource, limits))
            {
                return false;
            }

            var scopes = groups[g].Scopes;
            for (int s = 0; s < scopes.Count; s++)
            {
                if (!OtlpWireCheck.IsClean(scopes[s].Span, signal, limits, out int scopeItems))
                {
                    return false;
                }

                items += scopeItems;
            }
        }

        return true;
    }

    /// <summary>True when the attribute limits would leave <paramref name="resource"/> as it is.</summary>
    private static bool WithinLimits(Resource? resource, OtlpLimitsOptions limits) =>
        resource is null || !new AttributeLimiter(limits.MaxAttributes, limits.MaxAttributeValueLength).WouldChange(resource.Attributes);
}
