namespace Agent.Receivers.Prometheus.Exposition;

/// <summary>The two text formats a target may answer in, told apart by the response's Content-Type.</summary>
public enum ExpositionFormat
{
    /// <summary>The Prometheus text format 0.0.4 (<c>text/plain; version=0.0.4</c>).</summary>
    Text,

    /// <summary>OpenMetrics 1.0 (<c>application/openmetrics-text; version=1.0.0</c>).</summary>
    OpenMetrics,
}

internal static class ExpositionFormats
{
    /// <summary>
    /// The Accept header Prometheus sends: OpenMetrics preferred, then the text format, then anything (a target
    /// that answers with no content type is read as text).
    /// </summary>
    public const string Accept = "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    public static ExpositionFormat FromContentType(string? mediaType) =>
        string.Equals(mediaType, "application/openmetrics-text", StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.Text;
}
