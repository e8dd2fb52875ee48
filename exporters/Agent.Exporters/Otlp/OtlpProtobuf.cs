namespace Agent.Exporters.Otlp;

/// <summary>OTLP's protobuf encoding on the wire.</summary>
public static class OtlpProtobuf
{
    /// <summary>The media type OTLP/HTTP requests and answers carry.</summary>
    public const string ContentType = "application/x-protobuf";
}
