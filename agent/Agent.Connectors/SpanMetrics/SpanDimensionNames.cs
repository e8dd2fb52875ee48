using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Connectors.SpanMetrics;

/// <summary>The default dimensions and the value names the Collector writes for span kinds and status codes.</summary>
internal static class SpanDimensionNames
{
    public const string ServiceName = "service.name";
    public const string SpanName = "span.name";
    public const string SpanKind = "span.kind";
    public const string StatusCode = "status.code";

    /// <summary>The attribute of the series that holds what went past the cardinality limit.</summary>
    public const string Overflow = "otel.metric.overflow";

    public static readonly string[] Defaults = [ServiceName, SpanName, SpanKind, StatusCode];

    // Indexed by the enum's number; the Collector writes the protobuf names.
    private static readonly string[] Kinds =
        ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];

    private static readonly string[] Codes = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"];

    /// <summary>An unknown number (a newer protocol) gets an empty name, as in the Collector.</summary>
    public static string KindName(Span.Types.SpanKind kind) => (uint)kind < (uint)Kinds.Length ? Kinds[(int)kind] : string.Empty;

    public static string StatusName(Status.Types.StatusCode code) => (uint)code < (uint)Codes.Length ? Codes[(int)code] : string.Empty;
}
