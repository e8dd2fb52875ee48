using Agent.Core.Components;
using Agent.Core.Config;

namespace Agent.Receivers.PodLogs;

/// <summary>Where to start in files that have no checkpoint when the receiver runs for the first time.</summary>
public enum StartAt
{
    Beginning,
    End,
}

/// <summary>How lines of a file are framed.</summary>
public enum LogFormat
{
    /// <summary>Detected per file from its first line: CRI, docker json-file, else plain.</summary>
    Auto,
    Cri,
    Docker,
    Plain,
}

/// <summary>
/// Options of the <c>filelog</c> receiver, in the Collector's shape: a Collector config with
/// <c>operators: [{type: container}]</c> works as is. Sizes are plain byte counts (<c>max_log_size: 1048576</c>).
/// </summary>
public sealed class PodLogsReceiverOptions : IValidatable
{
    /// <summary>The operator types we understand; <c>container</c> is the Collector's CRI/docker parser.</summary>
    public static readonly IReadOnlyList<string> SupportedOperators = ["container"];

    /// <summary>Globs of the files to tail (<c>*</c> and <c>?</c> within a path segment, <c>**</c> across segments).</summary>
    public List<string> Include { get; set; } = [];

    /// <summary>Globs of files never to tail, even when an include matches.</summary>
    public List<string> Exclude { get; set; } = [];

    /// <summary>Applies only to files found when the receiver starts without any checkpoint; later files start at 0.</summary>
    public StartAt StartAt { get; set; } = StartAt.End;

    /// <summary>Adds <c>log.file.path</c> to the resource of each file.</summary>
    public bool IncludeFilePath { get; set; }

    /// <summary>Adds <c>log.file.name</c> to the resource of each file (off by default, unlike the Collector: it is index noise for Loki).</summary>
    public bool IncludeFileName { get; set; }

    /// <summary>The id of a <c>file_storage</c> extension that keeps the checkpoints; empty: the agent's data directory.</summary>
    public string Storage { get; set; } = string.Empty;

    /// <summary>Only <c>{type: container}</c> is supported: it means <c>format: auto</c>.</summary>
    public List<OperatorOptions> Operators { get; set; } = [];

    /// <summary>
    /// How often files being written are checked for new data; without a working watch also how often every file is
    /// checked and new files are looked for everywhere.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Watches the include globs' directories (inotify) so that new, rotated and written files are seen at once, not
    /// at the next poll; polling is all there is when this is off or the watch fails.
    /// </summary>
    public bool Watch { get; set; } = true;

    /// <summary>
    /// With a working watch: how often every directory is walked and every file's path looked at anyway, a safety net
    /// for what the watch cannot report (a write through a symlinked directory, a lost event).
    /// </summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest log record in bytes (the Collector's default, 1 MiB); joined partial lines beyond it are cut and
    /// flagged truncated.
    /// </summary>
    public int MaxLogSize { get; set; } = 1024 * 1024;

    public LogFormat Format { get; set; } = LogFormat.Auto;

    /// <summary>Which fields are looked for in JSON and logfmt lines.</summary>
    public ExtractOptions Extract { get; set; } = new();

    /// <summary>How long a file that was rotated away or deleted is still read after it vanished, before its handle is released.</summary>
    public TimeSpan DeleteGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bytes at the start of a file that identify it together with its device and inode (as the Collector: 1000).</summary>
    public int FingerprintSize { get; set; } = 1000;

    /// <summary>Batches of one file handed on but not yet acknowledged; reading pauses when this many are in flight.</summary>
    public int MaxBatchesInFlight { get; set; } = 4;

    /// <summary>Bytes of log text gathered into one batch (one pooled buffer) before it is handed on.</summary>
    public int MaxBatchBytes { get; set; } = 128 * 1024;

    /// <summary>
    /// Across all files: bytes of batches handed on and not yet acknowledged (each batch counts its buffer,
    /// <see cref="MaxBatchBytes"/>); every file's reading waits, in turn, while this much is in flight. Bounds the
    /// agent's memory when it catches up on hundreds of files at once: what is not read yet stays in the files.
    /// </summary>
    public long MaxBytesInFlight { get; set; } = 8 * 1024 * 1024;

    /// <summary>Wait after a batch failed (errored) before it is read again from the last checkpoint; doubles up to 30 s.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The format in force: <c>operators: [{type: container}]</c> means auto-detect.</summary>
    internal LogFormat EffectiveFormat => Operators.Count > 0 ? LogFormat.Auto : Format;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (Include.Count == 0)
        {
            yield return ("include", "at least one glob is required (e.g. /var/log/pods/*/*/*.log)");
        }

        foreach (string glob in Include.Concat(Exclude))
        {
            if (!Path.IsPathFullyQualified(glob))
            {
                yield return (Include.Contains(glob) ? "include" : "exclude", $"\"{glob}\" must be an absolute path");
            }
        }

        for (int i = 0; i < Operators.Count; i++)
        {
            string type = Operators[i].Type;
            if (!SupportedOperators.Contains(type))
            {
                yield return ("operators", $"operator type \"{type}\" is not supported; supported operator types: {string.Join(", ", SupportedOperators)} (CRI-O, containerd and docker lines are detected per file)");
            }
        }

        if (Storage.Length > 0 && !ComponentId.TryParse(Storage, out _, out string? error))
        {
            yield return ("storage", error);
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            yield return ("poll_interval", "must be positive");
        }

        if (RescanInterval <= TimeSpan.Zero)
        {
            yield return ("rescan_interval", "must be positive");
        }

        if (MaxLogSize < 1024)
        {
            yield return ("max_log_size", "must be at least 1024 bytes");
        }

        if (FingerprintSize < 16)
        {
            yield return ("fingerprint_size", "must be at least 16 bytes");
        }

        if (DeleteGrace < TimeSpan.Zero)
        {
            yield return ("delete_grace", "must not be negative");
        }

        if (MaxBatchesInFlight is < 1 or > 64)
        {
            yield return ("max_batches_in_flight", "must be between 1 and 64");
        }

        if (MaxBatchBytes < 4096)
        {
            yield return ("max_batch_bytes", "must be at least 4096 bytes");
        }

        if (MaxBytesInFlight < MaxBatchBytes)
        {
            yield return ("max_bytes_in_flight", $"must be at least max_batch_bytes ({MaxBatchBytes} bytes)");
        }

        if (RetryBackoff <= TimeSpan.Zero)
        {
            yield return ("retry_backoff", "must be positive");
        }
    }
}

/// <summary>One entry of <c>operators</c>.</summary>
public sealed class OperatorOptions
{
    public string Type { get; set; } = string.Empty;

    /// <summary>The Collector's container operator takes a format (<c>cri-o</c>, <c>containerd</c>, <c>docker</c>); we detect it anyway.</summary>
    public string Format { get; set; } = string.Empty;

    /// <summary>The Collector's operator id; accepted and unused.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The Collector's option to add Kubernetes metadata from the path; we always do.</summary>
    public bool AddMetadataFromFilePath { get; set; } = true;
}

/// <summary>The fields looked for in JSON (<c>"level":"info"</c>) and logfmt (<c>level=info</c>) lines.</summary>
public sealed class ExtractOptions : IValidatable
{
    public bool Level { get; set; } = true;

    public bool TraceId { get; set; } = true;

    public bool SpanId { get; set; } = true;

    public List<string> LevelKeys { get; set; } = ["level", "severity", "lvl"];

    public List<string> TraceIdKeys { get; set; } = ["trace_id", "traceId", "traceid"];

    public List<string> SpanIdKeys { get; set; } = ["span_id", "spanId", "spanid"];

    public IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var (key, list) in new[] { ("level_keys", LevelKeys), ("trace_id_keys", TraceIdKeys), ("span_id_keys", SpanIdKeys) })
        {
            foreach (string name in list)
            {
                if (name.Length is 0 or > 64 || name.Any(c => c is '"' or '=' or ' ' or '\\' || char.IsControl(c)))
                {
                    yield return (key, $"\"{name}\" is not a usable key (1-64 characters, no quotes, '=', spaces or backslashes)");
                }
            }
        }
    }
}
