using OpenTelemetry.Proto.Common.V1;

namespace Agent.LoadHarness.Otlp;

/// <summary>Attribute key-values for the generated load.</summary>
internal static class OtlpAttributes
{
    public static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
