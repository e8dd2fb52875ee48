using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Agent.ServerFloor;

/// <summary>
/// What the floor server answers: every gRPC call is read to its end and answered with an empty message and status 0
/// (a valid reply to any OTLP export: its response messages are all optional fields); the telemetry port answers
/// the harness's readiness probe and reports the GC totals it reads from an agent.
/// </summary>
internal static class FloorHandlers
{
    // A gRPC message frame: not compressed, length 0.
    private static readonly byte[] EmptyMessage = [0, 0, 0, 0, 0];

    public static async Task AnswerExportAsync(HttpContext context)
    {
        var body = context.Request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        context.Response.ContentType = "application/grpc";
        context.Response.AppendTrailer("grpc-status", "0");
        await context.Response.Body.WriteAsync(EmptyMessage, context.RequestAborted).ConfigureAwait(false);
    }

    public static Task AnswerTelemetryAsync(HttpContext context)
    {
        if (context.Request.Path == "/metrics")
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            return context.Response.WriteAsync(GcTotals(), context.RequestAborted);
        }

        return context.Response.WriteAsync("ready\n", context.RequestAborted);
    }

    /// <summary>The GC figures under the names the agent's own metrics give them, which is where the harness looks.</summary>
    private static string GcTotals()
    {
        long collections = GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);
        return string.Create(CultureInfo.InvariantCulture, $"""
            dotnet_gc_allocated_bytes_total {GC.GetTotalAllocatedBytes()}
            dotnet_gc_pause_seconds_total {GC.GetTotalPauseDuration().TotalSeconds}
            dotnet_collection_count_total {collections}

            """);
    }
}
