namespace Agent.LoadHarness.Logs;

/// <summary>
/// Fluent Bit's configuration for the pod-logs scenario, the peer's side of the agent's filelog → loki: tail from
/// the head of every file with a CRI parser, flush every second, push to the same Loki sink, HTTP server on for
/// readiness. Equivalent to <c>fluent-bit -H -P PORT -f 1 -i tail -p path=GLOB -p read_from_head=true -p parser=cri
/// -o loki -p host=127.0.0.1 -p port=PORT -p labels=job=perf</c>, plus the CRI parser that command line alone does
/// not register (without it Fluent Bit ships each line unparsed).
/// </summary>
internal static class FluentBitConfig
{
    /// <summary>Writes the configuration and its parsers file into <paramref name="directory"/>; returns the configuration's path.</summary>
    public static async Task<string> WriteAsync(string directory, string podsDirectory, int lokiPort, int httpPort)
    {
        string parsers = Path.Combine(directory, "parsers.conf");
        await File.WriteAllTextAsync(parsers, Parsers).ConfigureAwait(false);
        string config = Path.Combine(directory, "fluent-bit.conf");
        await File.WriteAllTextAsync(config, Service(podsDirectory, lokiPort, httpPort, parsers)).ConfigureAwait(false);
        return config;
    }

    private static string Service(string podsDirectory, int lokiPort, int httpPort, string parsersFile) => $"""
        # Written by Agent.LoadHarness: pod log files from the head, CRI parser, Loki push to the harness's sink.
        [SERVICE]
            Flush        1
            Log_Level    warn
            HTTP_Server  On
            HTTP_Listen  127.0.0.1
            HTTP_Port    {httpPort}
            Parsers_File {parsersFile}

        [INPUT]
            Name           tail
            Path           {podsDirectory}/*/*/*.log
            Read_from_Head true
            Parser         cri

        [OUTPUT]
            Name   loki
            Match  *
            Host   127.0.0.1
            Port   {lokiPort}
            Labels job=perf

        """;

    // The CRI line format: time, stream, the partial/full tag, then the message.
    private const string Parsers = """
        [PARSER]
            Name        cri
            Format      regex
            Regex       ^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<message>.*)$
            Time_Key    time
            Time_Format %Y-%m-%dT%H:%M:%S.%L%z

        """;
}
