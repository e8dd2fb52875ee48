using System.Globalization;
using OpenTelemetry.Proto.Common.V1;

namespace Agent.Exporters.Serialization;

/// <summary>OTLP attribute values and bodies as Loki text: scalars as they read, bytes as base64, lists and maps as JSON.</summary>
internal static class AnyValueText
{
    public static string ToText(AnyValue? value) => value?.ValueCase switch
    {
        null or AnyValue.ValueOneofCase.None => string.Empty,
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        _ => ToJson(value),
    };

    public static string ToJson(AnyValue value)
    {
        using var buffer = new PooledByteBuffer(256);
        WriteJson(buffer, value);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void WriteJson(PooledByteBuffer output, AnyValue? value)
    {
        switch (value?.ValueCase)
        {
            case null or AnyValue.ValueOneofCase.None:
                output.WriteBytes("null"u8);
                break;
            case AnyValue.ValueOneofCase.StringValue:
                JsonText.WriteString(output, value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                JsonText.WriteString(output, value.BytesValue.ToBase64());
                break;
            case AnyValue.ValueOneofCase.DoubleValue when !double.IsFinite(value.DoubleValue):
                // JSON has no NaN or infinity.
                JsonText.WriteString(output, ToText(value));
                break;
            case AnyValue.ValueOneofCase.BoolValue or AnyValue.ValueOneofCase.IntValue or AnyValue.ValueOneofCase.DoubleValue:
                output.WriteBytes(System.Text.Encoding.UTF8.GetBytes(ToText(value)));
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                output.WriteByte((byte)'[');
                for (int i = 0; i < value.ArrayValue.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        output.WriteByte((byte)',');
                    }

                    WriteJson(output, value.ArrayValue.Values[i]);
                }

                output.WriteByte((byte)']');
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                WriteJsonObject(output, value.KvlistValue.Values);
                break;
        }
    }

    public static void WriteJsonObject(PooledByteBuffer output, IReadOnlyList<KeyValue> pairs)
    {
        output.WriteByte((byte)'{');
        for (int i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                output.WriteByte((byte)',');
            }

            JsonText.WriteString(output, pairs[i].Key);
            output.WriteByte((byte)':');
            WriteJson(output, pairs[i].Value);
        }

        output.WriteByte((byte)'}');
    }
}
