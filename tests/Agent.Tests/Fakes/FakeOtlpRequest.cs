using Agent.Core.Model;

namespace Agent.Tests.Fakes;

public enum FakeOtlpTransport
{
    Grpc,
    Http,
}

/// <summary>One request as the fake backend saw it.</summary>
/// <param name="Outcome"><c>accepted</c>, the gRPC code or HTTP status it was failed with, or <c>abandoned</c> (the client gave up during a stall).</param>
/// <param name="ContentEncoding">The compression the client used: <c>grpc-encoding</c> or <c>Content-Encoding</c>; null for none.</param>
public sealed record FakeOtlpRequest(
    FakeOtlpTransport Transport,
    Signal Signal,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentEncoding,
    string? ContentType,
    int Items,
    string Outcome,
    string? ClientCertificateSubject)
{
    public bool Accepted => Outcome == "accepted";
}

/// <summary>How the fake answers one upcoming request; a null transport matches either.</summary>
internal sealed record PlannedReply(FakeOtlpTransport? Transport)
{
    public Grpc.Core.StatusCode? GrpcCode { get; init; }

    public int? HttpStatus { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    public string Message { get; init; } = string.Empty;

    public long Rejected { get; init; }

    public TimeSpan? Stall { get; init; }
}
