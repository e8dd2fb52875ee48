using Agent.Core.Model.Wire;

namespace Agent.Receivers.Otlp;

/// <summary>
/// An export request as the receiver parsed it: with its records still encoded (<see cref="Encoded"/>, when
/// everything behind the receiver handles that and every scope was clean), or decoded for the full path.
/// </summary>
internal sealed class OtlpReceived<TRequest>
    where TRequest : class
{
    private OtlpReceived(TRequest? decoded, WireRequest? encoded) => (Decoded, Encoded) = (decoded, encoded);

    public TRequest? Decoded { get; }

    public WireRequest? Encoded { get; }

    public static OtlpReceived<TRequest> Of(TRequest decoded) => new(decoded, null);

    public static OtlpReceived<TRequest> Of(WireRequest encoded) => new(null, encoded);
}
