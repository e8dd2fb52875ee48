using Agent.Core.Model.Wire;

namespace Agent.Receivers.Otlp;

/// <summary>
/// An export request as the receiver parsed it: with its records still encoded (<see cref="Encoded"/>, when
/// everything behind the receiver handles that and every scope was clean), or decoded for the full path.
/// </summary>
internal sealed class OtlpReceived<TRequest>
    where TRequest : class
{
    private OtlpReceived(TRequest? decoded, WireRequest? encoded, WireBody? body, int encodedItems) =>
        (Decoded, Encoded, Body, EncodedItems) = (decoded, encoded, body, encodedItems);

    public TRequest? Decoded { get; }

    public WireRequest? Encoded { get; }

    /// <summary>The pooled body <see cref="Encoded"/> points into, held once for the batch to take over.</summary>
    public WireBody? Body { get; }

    /// <summary>The items of <see cref="Encoded"/>, counted by the check that let it through.</summary>
    public int EncodedItems { get; }

    public static OtlpReceived<TRequest> Of(TRequest decoded) => new(decoded, null, null, 0);

    public static OtlpReceived<TRequest> Of((WireRequest Request, WireBody? Body, int Items) encoded) =>
        new(null, encoded.Request, encoded.Body, encoded.Items);
}
