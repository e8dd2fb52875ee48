using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Exporters.Debug;

/// <summary>Text forms shared by the debug formatters: values, attributes, ids and timestamps.</summary>
internal static class DebugText
{
    /// <summary>A value with its type, so <c>Int(3)</c> and <c>Str(3)</c> are told apart.</summary>
    public static void AppendValue(StringBuilder text, AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue: text.Append("Str(").Append(value!.StringValue).Append(')'); break;
            case AnyValue.ValueOneofCase.BoolValue: text.Append("Bool(").Append(value!.BoolValue ? "true" : "false").Append(')'); break;
            case AnyValue.ValueOneofCase.IntValue: text.Append("Int(").Append(value!.IntValue.ToString(CultureInfo.InvariantCulture)).Append(')'); break;
            case AnyValue.ValueOneofCase.DoubleValue: text.Append("Double(").Append(value!.DoubleValue.ToString(CultureInfo.InvariantCulture)).Append(')'); break;
            case AnyValue.ValueOneofCase.BytesValue: text.Append("Bytes(").Append(Convert.ToBase64String(value!.BytesValue.Span)).Append(')'); break;
            case AnyValue.ValueOneofCase.ArrayValue:
                text.Append("Slice([");
                for (int i = 0; i < value!.ArrayValue.Values.Count; i++)
                {
                    text.Append(i == 0 ? string.Empty : ", ");
                    AppendValue(text, value.ArrayValue.Values[i]);
                }

                text.Append("])");
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                text.Append("Map({");
                AppendInline(text, value!.KvlistValue.Values);
                text.Append("})");
                break;
            default: text.Append("Empty()"); break;
        }
    }

    /// <summary>Attributes on one line: <c>k=Str(v) n=Int(1)</c>.</summary>
    public static void AppendInline(StringBuilder text, RepeatedField<KeyValue> attributes)
    {
        for (int i = 0; i < attributes.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : " ").Append(attributes[i].Key).Append('=');
            AppendValue(text, attributes[i].Value);
        }
    }

    /// <summary>Attributes one per line under a heading, nothing when there are none.</summary>
    public static void AppendBlock(StringBuilder text, string heading, RepeatedField<KeyValue> attributes, string indent = "")
    {
        if (attributes.Count == 0)
        {
            return;
        }

        text.Append(indent).Append(heading).AppendLine(":");
        foreach (var attribute in attributes)
        {
            text.Append(indent).Append("     -> ").Append(attribute.Key).Append(": ");
            AppendValue(text, attribute.Value);
            text.AppendLine();
        }
    }

    public static void AppendResource(StringBuilder text, Resource? resource, string schemaUrl)
    {
        if (schemaUrl.Length > 0)
        {
            text.Append("Resource SchemaURL: ").AppendLine(schemaUrl);
        }

        AppendBlock(text, "Resource attributes", resource?.Attributes ?? []);
    }

    public static void AppendScope(StringBuilder text, InstrumentationScope? scope, string schemaUrl)
    {
        if (schemaUrl.Length > 0)
        {
            text.Append("ScopeSchemaURL: ").AppendLine(schemaUrl);
        }

        text.Append("InstrumentationScope ").Append(scope?.Name).Append(' ').AppendLine(scope?.Version);
        AppendBlock(text, "InstrumentationScope attributes", scope?.Attributes ?? []);
    }

    public static string Hex(ByteString id) => id.IsEmpty ? string.Empty : Convert.ToHexStringLower(id.Span);

    /// <summary>Nanoseconds since the epoch as UTC with nanosecond digits; empty for 0 (unset).</summary>
    public static string Time(ulong unixNanos)
    {
        if (unixNanos == 0)
        {
            return string.Empty;
        }

        var moment = DateTime.UnixEpoch.AddTicks((long)(unixNanos / 100));
        return moment.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + (unixNanos % 100).ToString("00", CultureInfo.InvariantCulture) + " +0000 UTC";
    }

    /// <summary>A field line of a detailed dump, names padded so the values line up.</summary>
    public static void AppendField(StringBuilder text, string name, string? value, string indent = "    ") =>
        text.Append(indent).Append(name.PadRight(16)).Append(": ").AppendLine(value);
}
