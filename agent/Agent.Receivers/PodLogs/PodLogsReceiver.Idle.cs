namespace Agent.Receivers.PodLogs;

/// <summary>
/// What keeps an idle node cheap: with a working watch, a file that stopped changing is not checked every poll (its
/// tailer rests until the watch reports a write), and the polls between two looks everywhere tend only the files
/// being written.
/// </summary>
internal sealed partial class PodLogsReceiver
{
    private readonly List<string> _tended = [];

    /// <summary>A write the watch reported wakes the file's tailer; null (events lost, a watch failed) wakes them all.</summary>
    private void OnWritten(string? path)
    {
        if (path is not null)
        {
            bool untailedRotatedFile;
            lock (_active)
            {
                if (_active.TryGetValue(path, out var tailer))
                {
                    tailer.Wake();
                    return;
                }

                untailedRotatedFile = RotatedName.LivePathOf(path) is not null && !IsTailed(path);
            }

            if (untailedRotatedFile)
            {
                // A rotated file that a look found empty (created, then written) is finished only by another look,
                // and no other event would bring one before the next look everywhere.
                _changes.Changed(path);
            }

            return;
        }

        // A failed watch stops the resting at once, not at the next look everywhere.
        _writes.Reported &= _everyRootWatchable && _changes.Watching;
        lock (_active)
        {
            foreach (var tailer in _active.Values.Concat(_retiring))
            {
                tailer.Wake();
            }
        }
    }

    /// <summary>True when a tailer reads the file at <paramref name="path"/> (under whatever name it opened it).</summary>
    private bool IsTailed(string path) =>
        FileStatus.Of(path) is { } status && _active.Values.Concat(_retiring).Any(tailer => tailer.Identity.IsAt(status));

    /// <summary>
    /// A poll between two looks everywhere: the paths of the files not resting are looked at as every poll did (their
    /// size for the lag, a rotation the watch did not report), unreadable files are tried again and checkpoints that
    /// moved are saved. A live file whose tailer stopped brings a look everywhere, which opens it again.
    /// </summary>
    private void Tend()
    {
        bool reopen;
        lock (_active)
        {
            reopen = ForgetStopped();
            if (!reopen)
            {
                TendBusyFiles();
            }
        }

        if (reopen)
        {
            PollOnce();
        }
        else
        {
            SaveCheckpoints();
        }
    }

    private void TendBusyFiles()
    {
        _tended.Clear();
        _tended.AddRange(_active.Where(entry => !entry.Value.Resting).Select(entry => entry.Key));
        _tended.AddRange(_skipped.Where(entry => entry.Value == SkipReason.Unreadable).Select(entry => entry.Key));
        foreach (string path in _tended)
        {
            ConsiderPath(path);
        }

        ReportLag();
    }

    /// <summary>Writes to a file reached through a symlink are reported under its target's name, if at all: such a file never rests.</summary>
    private static bool IsSymbolicLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
