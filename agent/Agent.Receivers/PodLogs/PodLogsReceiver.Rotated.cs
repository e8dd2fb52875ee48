using Microsoft.Extensions.Logging;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Rotated files the receiver has not read to their end: a writer that rotates faster than a poll (or faster than
/// the receiver opens a new file) leaves files the receiver never followed under their live path. Each look at the
/// rotated names beside a live path (<c>0.log.20261201-120000</c>, <c>app.log.1</c>; never <c>.gz</c> or
/// <c>.tmp</c>) finishes those that no tailer holds and that were not finished already, from their checkpoint or from
/// the start. Their lines carry the live path's resource, as the file's had.
/// </summary>
internal sealed partial class PodLogsReceiver
{
    /// <summary>The fewest first bytes two files must share to be taken for copies of each other.</summary>
    private const int MinimumCopyFingerprint = 16;

    private readonly FinishedFiles _finished;

    private void FinishRotated(IReadOnlyCollection<string> rotated, Func<string, bool>? inScope)
    {
        if (!FileStatus.Supported)
        {
            // Without inodes a renamed file cannot be told from a new one.
            return;
        }

        var tailed = new HashSet<(ulong, ulong)>(_active.Values.Concat(_retiring).Select(t => (t.Identity.Device, t.Identity.Inode)));
        var seen = new HashSet<(ulong, ulong)>();
        foreach (string path in rotated)
        {
            if (FileStatus.Of(path) is not { Kind: FileKind.Regular } status)
            {
                continue;
            }

            var key = (status.Device, status.Inode);
            seen.Add(key);

            // An empty file has nothing to read yet, and its fingerprint would match any file.
            if (status.Size > 0 && !tailed.Contains(key) && !_finished.IsUnchanged(status) && FinishRotatedFile(path, status))
            {
                tailed.Add(key);
            }
        }

        _finished.Prune(seen, inScope);
    }

    /// <summary>Starts reading one rotated file to its end; false when it is not one to read.</summary>
    private bool FinishRotatedFile(string path, FileStatus status)
    {
        var handle = OpenHandle(path);
        if (handle is null)
        {
            return false;
        }

        var identity = FileIdentity.Read(handle, _options.FingerprintSize);
        if (!identity.IsAt(status))
        {
            // Renamed again since the stat: the next look finds it under its new name.
            handle.Dispose();
            return false;
        }

        if (IsCopyOfTailedFile(identity))
        {
            // copytruncate's copy: its lines were read from the original, which a tailer still follows.
            _finished.Add(identity, status, Path.GetDirectoryName(path) ?? path);
            handle.Dispose();
            return false;
        }

        TailPosition? known = KnownPosition(identity);
        if (known is null && _firstPoll)
        {
            // Rotated before the receiver first started, and never followed: as old as start_at says to skip.
            _finished.Add(identity, status, Path.GetDirectoryName(path) ?? path);
            handle.Dispose();
            return false;
        }

        var start = known ?? TailPosition.Start;
        string live = RotatedName.LivePathOf(path) ?? path;
        LogFinishingRotatedFile(_logger, path, start.Offset);
        var tailer = CreateTailer(live, handle, identity, start, predecessor: null);
        tailer.MarkGone(replaced: true);
        tailer.ObserveSize(status.Size);
        _retiring.Add(tailer);
        tailer.Start(_stopping.Token, _receiving.Abandoned);
        return true;
    }

    /// <summary>
    /// The least time a finished file goes unseen before it is forgotten: two polls (every one lists everything), and
    /// never under a few seconds, so that no run of looks racing a storm of renames forgets a file still there. Only
    /// memory is saved by forgetting sooner: a new file on a remembered inode is told apart by its fingerprint.
    /// </summary>
    private static TimeSpan ForgetFinishedAfter(TimeSpan pollInterval) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(5).Ticks, 2 * pollInterval.Ticks));

    private bool IsCopyOfTailedFile(FileIdentity identity) =>
        _active.Values.Concat(_retiring).Any(tailer =>
            tailer.Identity.SameContentAs(identity, MinimumCopyFingerprint) ||
            (tailer.TruncatedIdentity is { } before && before.SameContentAs(identity, MinimumCopyFingerprint)));

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} was rotated before it was read to its end; reading it from offset {Offset}")]
    private static partial void LogFinishingRotatedFile(ILogger logger, string path, long offset);
}
