using System.Globalization;
using Agent.Tests.EndToEnd;

namespace Agent.Tests.Deployment;

/// <summary>
/// The published Native AOT binary lays its managed code out in the order of agent/Agent/method-order.txt (the
/// IlcOrderFile), so the methods a running agent uses sit together instead of scattered over the binary. Read from
/// the binary's symbols (agent.dbg beside it) with binutils, which the AOT publish needs anyway.
/// </summary>
public sealed class MethodLayoutTests
{
    private static readonly string OrderFile = Path.Combine(JsClient.RepositoryRoot(), "agent", "Agent", "method-order.txt");

    [PublishedBinaryFact(Timeout = TestTimeouts.EndToEnd)]
    public async Task The_listed_methods_come_in_the_lists_order_in_the_binarys_managed_code()
    {
        string symbols = PublishedBinaryFactAttribute.SymbolsFile;
        var (start, end) = SectionRange(await RunAsync("readelf", "-SW", symbols), "__managedcode");
        var addresses = CodeAddresses(await RunAsync("nm", symbols));
        var listed = File.ReadLines(OrderFile).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();

        var placed = listed.Where(addresses.ContainsKey).Select(name => (name, address: addresses[name]))
            .Where(method => method.address >= start && method.address < end).ToList();

        // Most of the list names methods of this binary: a list left stale by renames fails here, not in memory.
        Assert.True(placed.Count >= listed.Count * 7 / 10, $"only {placed.Count} of {listed.Count} listed methods are in the binary's managed code");
        Assert.Equal(start, placed[0].address);
        for (int i = 1; i < placed.Count; i++)
        {
            Assert.True(placed[i].address > placed[i - 1].address, $"{placed[i].name} is laid out before {placed[i - 1].name}, which the list puts first");
        }
    }

    /// <summary>Start and end address of a section, from <c>readelf -SW</c>.</summary>
    private static (ulong Start, ulong End) SectionRange(string sections, string name)
    {
        foreach (string line in sections.Split('\n'))
        {
            var fields = line.Replace("]", "] ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int at = Array.IndexOf(fields, name);
            if (at >= 0 && fields.Length > at + 4)
            {
                ulong start = ulong.Parse(fields[at + 2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                return (start, start + ulong.Parse(fields[at + 4], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"The binary has no {name} section:\n{sections}");
    }

    /// <summary>Code symbols (nm types t and T) by name, first address kept.</summary>
    private static Dictionary<string, ulong> CodeAddresses(string nm)
    {
        var addresses = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (string line in nm.Split('\n'))
        {
            var fields = line.Split(' ', 3);
            if (fields.Length == 3 && fields[1] is "t" or "T")
            {
                addresses.TryAdd(fields[2], ulong.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
        }

        return addresses;
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var (exitCode, output, errors) = await CommandLineTool.RunAsync(tool, Environment.CurrentDirectory, arguments);
        Assert.True(exitCode == 0, $"{tool} failed: {errors}");
        return output;
    }
}

/// <summary>
/// A fact about the published binary (AGENT_TEST_BINARY, as test.sh sets for its Native AOT run) and its symbols;
/// skipped, saying why, in the run against the build.
/// </summary>
internal sealed class PublishedBinaryFactAttribute : FactAttribute
{
    public PublishedBinaryFactAttribute()
    {
        string? binary = Environment.GetEnvironmentVariable("AGENT_TEST_BINARY");
        if (binary is not { Length: > 0 })
        {
            Skip = "runs against the published binary only (AGENT_TEST_BINARY, set by test.sh for its Native AOT run)";
        }
        else if (!File.Exists(SymbolsFile))
        {
            Skip = $"the published binary has no symbols file beside it ({SymbolsFile})";
        }
    }

    /// <summary>The symbols `dotnet publish` strips into a file beside the binary.</summary>
    public static string SymbolsFile => (Environment.GetEnvironmentVariable("AGENT_TEST_BINARY") ?? string.Empty) + ".dbg";
}
