using Microsoft.Extensions.Logging;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Paths the globs match but that are not tailed: FIFOs, sockets, devices and directories, and files that fail to
/// open. Each is logged and counted once when it starts being skipped, not at every poll; an unreadable file is tried
/// again at each poll, so fixing its permissions is enough.
/// </summary>
internal sealed partial class PodLogsReceiver
{
    private readonly Dictionary<string, SkipReason> _skipped = new(StringComparer.Ordinal);

    private enum SkipReason
    {
        NotRegularFile,
        Unreadable,
    }

    private void Skip(string path, SkipReason reason, Exception? exception)
    {
        if (_skipped.TryGetValue(path, out var known) && known == reason)
        {
            return;
        }

        _skipped[path] = reason;
        if (reason == SkipReason.NotRegularFile)
        {
            _receiving.Telemetry.FileSkipped("not_regular_file");
            LogNotRegularFile(_logger, path);
        }
        else
        {
            _receiving.Telemetry.FileSkipped("unreadable");
            LogUnreadable(_logger, path, exception?.Message ?? "unknown error");
        }
    }

    /// <summary>The path opened: if it was skipped before, say that it is read now.</summary>
    private void Readable(string path)
    {
        if (_skipped.Remove(path))
        {
            LogReadableAgain(_logger, path);
        }
    }

    /// <summary>A skipped path that no longer matches is forgotten, so that something appearing there later is judged anew.</summary>
    private void ForgetSkippedGone(IReadOnlySet<string> matched)
    {
        if (_skipped.Count == 0)
        {
            return;
        }

        foreach (string path in _skipped.Keys.Where(path => !matched.Contains(path)).ToList())
        {
            _skipped.Remove(path);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping {Path}: not a regular file (a FIFO, socket, device or directory); only regular files are tailed")]
    private static partial void LogNotRegularFile(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipping {Path}: it cannot be opened for reading ({Reason}); trying again at each poll")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} can be read now")]
    private static partial void LogReadableAgain(ILogger logger, string path);
}
