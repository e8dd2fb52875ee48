using System.Text;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace Agent.Exporters.Debug;

/// <summary>The debug exporter's text for log records.</summary>
internal static class LogsText
{
    /// <summary>One line per record: time, severity, body and attributes.</summary>
    public static void AppendNormal(StringBuilder text, ExportLogsServiceRequest data)
    {
        foreach (var group in data.ResourceLogs)
        {
            foreach (var scope in group.ScopeLogs)
            {
                foreach (var record in scope.LogRecords)
                {
                    text.Append(DebugText.Time(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano))
                        .Append(' ').Append(Severity(record)).Append(' ');
                    DebugText.AppendValue(text, record.Body);
                    if (record.Attributes.Count > 0)
                    {
                        text.Append(' ');
                        DebugText.AppendInline(text, record.Attributes);
                    }

                    text.AppendLine();
                }
            }
        }
    }

    /// <summary>Every field of every record, under its resource and scope.</summary>
    public static void AppendDetailed(StringBuilder text, ExportLogsServiceRequest data)
    {
        for (int r = 0; r < data.ResourceLogs.Count; r++)
        {
            var group = data.ResourceLogs[r];
            text.Append("ResourceLog #").Append(r).AppendLine();
            DebugText.AppendResource(text, group.Resource, group.SchemaUrl);
            for (int s = 0; s < group.ScopeLogs.Count; s++)
            {
                var scope = group.ScopeLogs[s];
                text.Append("ScopeLogs #").Append(s).AppendLine();
                DebugText.AppendScope(text, scope.Scope, scope.SchemaUrl);
                for (int i = 0; i < scope.LogRecords.Count; i++)
                {
                    var record = scope.LogRecords[i];
                    text.Append("LogRecord #").Append(i).AppendLine();
                    DebugText.AppendField(text, "ObservedTimestamp", DebugText.Time(record.ObservedTimeUnixNano));
                    DebugText.AppendField(text, "Timestamp", DebugText.Time(record.TimeUnixNano));
                    DebugText.AppendField(text, "SeverityText", record.SeverityText);
                    DebugText.AppendField(text, "SeverityNumber", record.SeverityNumber.ToString());
                    if (record.EventName.Length > 0)
                    {
                        DebugText.AppendField(text, "EventName", record.EventName);
                    }

                    var body = new StringBuilder();
                    DebugText.AppendValue(body, record.Body);
                    DebugText.AppendField(text, "Body", body.ToString());
                    DebugText.AppendBlock(text, "Attributes", record.Attributes);
                    DebugText.AppendField(text, "Trace ID", DebugText.Hex(record.TraceId));
                    DebugText.AppendField(text, "Span ID", DebugText.Hex(record.SpanId));
                    DebugText.AppendField(text, "Flags", record.Flags.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private static string Severity(LogRecord record) =>
        record.SeverityText.Length > 0 ? record.SeverityText : record.SeverityNumber.ToString();
}
