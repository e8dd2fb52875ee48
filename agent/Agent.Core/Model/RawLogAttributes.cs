using OpenTelemetry.Proto.Common.V1;

namespace Agent.Core.Model;

/// <summary>
/// The attributes a raw file line carries, in OTLP form: <c>log.iostream</c> (<c>stdout</c>/<c>stderr</c>, absent
/// for plain files) and <c>log.record.truncated</c> (<c>true</c>, only on records cut at <c>max_log_size</c>). The
/// instances are shared by every view of a raw record; conversion copies them.
/// </summary>
internal static class RawLogAttributes
{
    public const string IoStreamKey = "log.iostream";

    public const string TruncatedKey = "log.record.truncated";

    public static KeyValue Stdout { get; } = new() { Key = IoStreamKey, Value = new AnyValue { StringValue = "stdout" } };

    public static KeyValue Stderr { get; } = new() { Key = IoStreamKey, Value = new AnyValue { StringValue = "stderr" } };

    public static KeyValue Truncated { get; } = new() { Key = TruncatedKey, Value = new AnyValue { BoolValue = true } };
}
