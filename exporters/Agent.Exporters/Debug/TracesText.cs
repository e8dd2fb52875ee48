using System.Globalization;
using System.Text;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Exporters.Debug;

/// <summary>The debug exporter's text for spans.</summary>
internal static class TracesText
{
    /// <summary>One line per span: ids, name, kind, duration, status and attributes.</summary>
    public static void AppendNormal(StringBuilder text, ExportTraceServiceRequest data)
    {
        foreach (var group in data.ResourceSpans)
        {
            foreach (var scope in group.ScopeSpans)
            {
                foreach (var span in scope.Spans)
                {
                    text.Append(span.Name).Append(' ').Append(DebugText.Hex(span.TraceId)).Append(' ').Append(DebugText.Hex(span.SpanId))
                        .Append(" kind=").Append(span.Kind)
                        .Append(" duration=").Append(Duration(span))
                        .Append(" status=").Append(span.Status?.Code ?? Status.Types.StatusCode.Unset);
                    if (span.Attributes.Count > 0)
                    {
                        text.Append(' ');
                        DebugText.AppendInline(text, span.Attributes);
                    }

                    text.AppendLine();
                }
            }
        }
    }

    /// <summary>Every field of every span, under its resource and scope.</summary>
    public static void AppendDetailed(StringBuilder text, ExportTraceServiceRequest data)
    {
        for (int r = 0; r < data.ResourceSpans.Count; r++)
        {
            var group = data.ResourceSpans[r];
            text.Append("ResourceSpans #").Append(r).AppendLine();
            DebugText.AppendResource(text, group.Resource, group.SchemaUrl);
            for (int s = 0; s < group.ScopeSpans.Count; s++)
            {
                var scope = group.ScopeSpans[s];
                text.Append("ScopeSpans #").Append(s).AppendLine();
                DebugText.AppendScope(text, scope.Scope, scope.SchemaUrl);
                for (int i = 0; i < scope.Spans.Count; i++)
                {
                    AppendSpan(text, i, scope.Spans[i]);
                }
            }
        }
    }

    private static void AppendSpan(StringBuilder text, int index, Span span)
    {
        text.Append("Span #").Append(index).AppendLine();
        DebugText.AppendField(text, "Trace ID", DebugText.Hex(span.TraceId));
        DebugText.AppendField(text, "Parent ID", DebugText.Hex(span.ParentSpanId));
        DebugText.AppendField(text, "ID", DebugText.Hex(span.SpanId));
        DebugText.AppendField(text, "Name", span.Name);
        DebugText.AppendField(text, "Kind", span.Kind.ToString());
        if (span.TraceState.Length > 0)
        {
            DebugText.AppendField(text, "TraceState", span.TraceState);
        }

        DebugText.AppendField(text, "Start time", DebugText.Time(span.StartTimeUnixNano));
        DebugText.AppendField(text, "End time", DebugText.Time(span.EndTimeUnixNano));
        DebugText.AppendField(text, "Status code", (span.Status?.Code ?? Status.Types.StatusCode.Unset).ToString());
        DebugText.AppendField(text, "Status message", span.Status?.Message);
        DebugText.AppendBlock(text, "Attributes", span.Attributes);
        for (int e = 0; e < span.Events.Count; e++)
        {
            var spanEvent = span.Events[e];
            text.Append("SpanEvent #").Append(e).AppendLine();
            DebugText.AppendField(text, "-> Name", spanEvent.Name, "     ");
            DebugText.AppendField(text, "-> Timestamp", DebugText.Time(spanEvent.TimeUnixNano), "     ");
            DebugText.AppendBlock(text, "-> Attributes", spanEvent.Attributes, "     ");
        }

        for (int l = 0; l < span.Links.Count; l++)
        {
            var link = span.Links[l];
            text.Append("SpanLink #").Append(l).AppendLine();
            DebugText.AppendField(text, "-> Trace ID", DebugText.Hex(link.TraceId), "     ");
            DebugText.AppendField(text, "-> ID", DebugText.Hex(link.SpanId), "     ");
            DebugText.AppendBlock(text, "-> Attributes", link.Attributes, "     ");
        }
    }

    private static string Duration(Span span)
    {
        if (span.EndTimeUnixNano < span.StartTimeUnixNano)
        {
            return "?";
        }

        double millis = (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1e6;
        return millis.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
    }
}
