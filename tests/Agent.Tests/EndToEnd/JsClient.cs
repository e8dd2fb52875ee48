using System.Diagnostics;
using System.Text.Json;

namespace Agent.Tests.EndToEnd;

/// <summary>Runs the scripts in tests/js-client (the OpenTelemetry JS SDK, installed by test.sh with npm ci).</summary>
internal static class JsClient
{
    /// <summary>send-spans.mjs: a small trace; returns what the script says it sent.</summary>
    public static Task<JsonDocument> SendSpansAsync(Uri tracesUrl) => RunAsync("send-spans.mjs", tracesUrl.ToString());

    /// <summary>send-metrics.mjs: a counter and a histogram of service shop/cart, exported once.</summary>
    public static Task<JsonDocument> SendMetricsAsync(Uri metricsUrl, string instance) => RunAsync("send-metrics.mjs", metricsUrl.ToString(), instance);

    private static async Task<JsonDocument> RunAsync(string scriptName, params string[] arguments)
    {
        string script = Path.Combine(RepositoryRoot(), "tests", "js-client", scriptName);
        Assert.True(Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules")), "run `npm ci` in tests/js-client (test.sh does)");
        var start = new ProcessStartInfo("node", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = node.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = node.StandardError.ReadToEndAsync(deadline.Token);
        await node.WaitForExitAsync(deadline.Token);
        Assert.True(node.ExitCode == 0, $"the JS client failed ({node.ExitCode}): {await output} {await errors}");
        return JsonDocument.Parse(await output);
    }

    /// <summary>The checkout this test binary was built from (the folder holding Agent.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Agent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Agent.sln not found above the test binaries");
    }
}
