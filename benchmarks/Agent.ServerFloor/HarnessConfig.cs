using System.Text.RegularExpressions;

namespace Agent.ServerFloor;

/// <summary>
/// The two ports of a configuration the load harness wrote for the agent: the OTLP gRPC receiver's endpoint and the
/// self-telemetry address the harness polls. Read by pattern, as the harness writes them, not as a general config.
/// </summary>
internal sealed partial record HarnessConfig(int ReceiverPort, int TelemetryPort)
{
    public static HarnessConfig Read(string path)
    {
        string text = File.ReadAllText(path);
        return new HarnessConfig(Port(ReceiverEndpoint(), text, path), Port(TelemetryAddress(), text, path));
    }

    private static int Port(Regex pattern, string text, string path)
    {
        var match = pattern.Match(text);
        return match.Success
            ? int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture)
            : throw new InvalidDataException($"{path}: no line matches {pattern} (is this a configuration the load harness wrote?)");
    }

    [GeneratedRegex(@"grpc:\s*\n\s*endpoint:\s*127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ReceiverEndpoint();

    [GeneratedRegex(@"metrics:\s*\n\s*address:\s*127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex TelemetryAddress();
}
