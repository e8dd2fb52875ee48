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

        if (args is ["remote-write-cpu"])
        {
            // Process CPU time per point: on a loaded shared machine wall time counts the waits for a core.
            PrometheusRemoteWrite.RemoteWriteEncodeBenchmarks.PrintCpuPerPoint();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
    }
}
