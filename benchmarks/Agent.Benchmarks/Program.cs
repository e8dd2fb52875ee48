using Agent.Benchmarks.Processors;
using BenchmarkDotNet.Running;

namespace Agent.Benchmarks;

internal static class BenchmarkProgram
{
    public static void Main(string[] args)
    {
        if (args is ["k8s-cache-memory"])
        {
            // Retained memory is not a BenchmarkDotNet column: measured here, around building the cache's index.
            Console.WriteLine($"bytes retained per 1,000 cached pods: {ApiPods.RetainedBytesPer1000Pods():N0}");
            return;
        }

        if (args is ["remote-write-cpu", ..])
        {
            // Process CPU time per point: on a loaded shared machine wall time counts the waits for a core.
            // Optionally one case (e.g. Service) and the number of timed calls (default 150), for a profiler.
            string? only = args.Length > 1 ? args[1] : null;
            int calls = args.Length > 2 && int.TryParse(args[2], out int parsed) && parsed > 0 ? parsed : 150;
            PrometheusRemoteWrite.RemoteWriteEncodeBenchmarks.PrintCpuPerPoint(only, calls);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
