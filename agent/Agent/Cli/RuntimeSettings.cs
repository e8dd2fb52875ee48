using System.Globalization;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Agent.Cli;

/// <summary>
/// The runtime and GC settings in effect, as the GC reports them: what the binary was built with, overridden by any
/// <c>DOTNET_GC*</c> variable a manifest sets. A misspelt or ignored variable shows here as the default.
/// </summary>
internal static class RuntimeSettings
{
    public static string RuntimeLine() =>
        $"runtime: {RuntimeInformation.FrameworkDescription}, {(RuntimeFeature.IsDynamicCodeSupported ? "JIT" : "Native AOT")}";

    public static string GcLine()
    {
        IReadOnlyDictionary<string, object> gc = GC.GetConfigurationVariables();
        string kind = GCSettings.IsServerGC ? "server" : "workstation";
        string concurrent = Flag(gc, "ConcurrentGC") ? "concurrent" : "non-concurrent";
        long hardLimit = Number(gc, "GCHeapHardLimit");
        return $"gc: {kind}, {concurrent}, conserve memory {Number(gc, "GCConserveMem")}, "
            + $"gen0 budget at most {Size(Number(gc, "GCGen0MaxBudget"))}, "
            + $"heap hard limit {(hardLimit == 0 ? "none" : Size(hardLimit))}";
    }

    private static bool Flag(IReadOnlyDictionary<string, object> gc, string key) =>
        gc.TryGetValue(key, out object? value) && value is true;

    private static long Number(IReadOnlyDictionary<string, object> gc, string key) =>
        gc.TryGetValue(key, out object? value) ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;

    private static string Size(long bytes) =>
        bytes % (1024 * 1024) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.##} MiB");
}
