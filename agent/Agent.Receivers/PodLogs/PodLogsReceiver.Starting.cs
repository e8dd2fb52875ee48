using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Receivers.PodLogs;

/// <summary>Where reading starts in the files found when the receiver starts.</summary>
internal sealed partial class PodLogsReceiver
{
    /// <summary>
    /// A file rotated by rename while the agent was stopped is no longer at its path: look for it among the rotated
    /// names beside that path and read it to its end before the file that now has the path.
    /// </summary>
    private void FinishRotatedWhileStopped()
    {
        foreach (var (identity, path) in _store!.Unclaimed())
        {
            if (path is null)
            {
                continue;
            }

            if (FileStatus.Of(path) is { } status && identity.IsAt(status))
            {
                // Still at its path: claimed as usual.
                continue;
            }

            foreach (string candidate in RotatedSiblings(path))
            {
                var handle = OpenHandle(candidate);
                if (handle is null)
                {
                    continue;
                }

                var found = FileIdentity.Read(handle, _options.FingerprintSize);
                if (!identity.SameFileAs(found) || _store.Claim(found) is not { } start)
                {
                    handle.Dispose();
                    continue;
                }

                // Known by its old path, so that the file now at that path waits for it.
                LogFinishingRotated(_logger, candidate, start.Offset);
                var tailer = CreateTailer(path, handle, found, start, predecessor: null);
                tailer.MarkGone(replaced: true);
                _retiring.Add(tailer);
                tailer.Start(_stopping.Token, _receiving.Abandoned);
                break;
            }
        }
    }

    private static IEnumerable<string> RotatedSiblings(string path)
    {
        string? directory = Path.GetDirectoryName(path);
        if (directory is null || !Directory.Exists(directory))
        {
            return [];
        }

        try
        {
            return Directory.EnumerateFiles(directory, Path.GetFileName(path) + ".*")
                .Where(name => RotatedName.LivePathOf(name) == path)
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// <c>start_at</c> applies only to the files there on the very first start; a file that appeared later (or while
    /// the agent was down) is read from its beginning so that nothing is skipped.
    /// </summary>
    private TailPosition StartOfNewFile(SafeFileHandle handle)
    {
        if (!_firstPoll || _store!.Existed || _options.StartAt == StartAt.Beginning)
        {
            return TailPosition.Start;
        }

        return new TailPosition(LineStartBefore(handle, FileStatus.Of(handle).Size));
    }

    /// <summary>The offset just after the last newline before <paramref name="end"/>, so reading starts on a line.</summary>
    private static long LineStartBefore(SafeFileHandle handle, long end)
    {
        Span<byte> window = stackalloc byte[4096];
        long position = end;
        while (position > 0)
        {
            int size = (int)Math.Min(window.Length, position);
            position -= size;
            int read = RandomAccess.Read(handle, window[..size], position);
            int newline = window[..read].LastIndexOf((byte)'\n');
            if (newline >= 0)
            {
                return position + newline + 1;
            }
        }

        return 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Path} was rotated while the agent was stopped; reading it from offset {Offset} to its end")]
    private static partial void LogFinishingRotated(ILogger logger, string path, long offset);
}
