using Prometheus;

namespace Agent.Telemetry;

/// <summary>
/// What the GC costs, beside prometheus-net's collection counts and heap size: the time the process was paused for
/// collections and the bytes allocated, so a tuning change (gen0 budget, conserve memory) is judged by its cost too.
/// Read when <c>/metrics</c> is scraped.
/// </summary>
internal static class GcMetrics
{
    public static void Register(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Counter pause = factory.CreateCounter("dotnet_gc_pause_seconds_total", "Time the process was paused by garbage collections.");
        Counter allocated = factory.CreateCounter("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the start.");
        Gauge committed = factory.CreateGauge("dotnet_gc_committed_bytes", "Memory the GC has committed for the managed heap (as of the last collection).");
        registry.AddBeforeCollectCallback(() =>
        {
            pause.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
            allocated.IncTo(GC.GetTotalAllocatedBytes(precise: false));
            committed.Set(GC.GetGCMemoryInfo().TotalCommittedBytes);
        });
    }
}
