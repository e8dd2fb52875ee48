using System.Globalization;

namespace Agent.Tests.Deployment;

/// <summary>
/// <c>DOTNET_GCHeapHardLimit</c> as the manifests write it. Both runtimes read it as hexadecimal, but only the JIT
/// runtime accepts a leading "0x": the Native AOT binary the image ships ignores such a value and runs without a limit.
/// </summary>
internal static class HeapHardLimitVariable
{
    public const string Name = "DOTNET_GCHeapHardLimit";

    /// <summary>The limit in bytes; fails on a value the Native AOT runtime would not read.</summary>
    public static long Parse(string value)
    {
        Assert.False(value.StartsWith("0x", StringComparison.OrdinalIgnoreCase), $"{Name}={value}: the Native AOT runtime ignores a value with the 0x prefix");
        return long.Parse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    /// <summary>The value an <c>Environment=</c> line of a systemd unit gives the variable.</summary>
    public static string FromSystemdUnit(string unit) =>
        unit.Split('\n').Select(line => line.Trim())
            .Where(line => line.StartsWith("Environment=", StringComparison.Ordinal))
            .SelectMany(line => line["Environment=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(assignment => assignment.Split('=', 2))
            .Single(pair => pair[0] == Name)[1];
}
