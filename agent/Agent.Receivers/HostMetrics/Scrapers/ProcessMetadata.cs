using System.Text;
using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>
/// Reads what identifies a process once per process (pid and start time): its name as the Collector takes it
/// (<c>comm</c>, which the kernel cuts at 15 bytes, lengthened from the command's base name when that starts with
/// it), its command line, executable and owner. Failures are counted here, once per process, unless muted.
/// </summary>
internal sealed class ProcessMetadata(ProcFileReader files, NameFilter names, PasswdUsers users, ProcessScraperOptions options)
{
    private const int CommLength = 15;

    /// <summary>
    /// Fills <paramref name="entry"/>; false when the process is to be skipped this scrape (it exited, or its
    /// command line cannot be read). <see cref="ProcessEntry.Included"/> then says whether it is reported.
    /// </summary>
    public bool TryRead(HostMetricWriter writer, ProcessEntry entry, string comm, ulong startTicks)
    {
        if (!files.TryRead(entry.Cmdline, out var cmdline, out string? error))
        {
            ProcessScraper.FailUnlessGone(writer, entry, error!, options.MuteProcessNameError);
            return false;
        }

        (entry.Command, entry.CommandLine) = CommandOf(cmdline);
        string baseName = Path.GetFileName(entry.Command);
        entry.Name = comm.Length == CommLength && baseName.StartsWith(comm, StringComparison.Ordinal) ? baseName : comm;
        entry.MetadataOf = startTicks;
        entry.Owner = null;
        entry.Included = names.Allows(entry.Name);
        if (!entry.Included)
        {
            return true;
        }

        if (!TryExecutable(entry.Exe, out string? path, out error))
        {
            entry.Included = false;
            return !ProcessScraper.FailUnlessGone(writer, entry, error!, options.MuteProcessExeError);
        }

        entry.ExecutablePath = path!;
        return !ReadOwnerGone(writer, entry);
    }

    /// <summary>Arguments are separated by NUL bytes; the command is the first, the command line all joined by blanks.</summary>
    private static (string Command, string CommandLine) CommandOf(ReadOnlySpan<byte> cmdline)
    {
        cmdline = cmdline.TrimEnd((byte)0);
        int end = cmdline.IndexOf((byte)0);
        string command = Encoding.UTF8.GetString(end < 0 ? cmdline : cmdline[..end]);
        if (end < 0)
        {
            return (command, command);
        }

        string line = Encoding.UTF8.GetString(cmdline);
        return (command, line.Replace('\0', ' '));
    }

    private static bool TryExecutable(string exe, out string? path, out string? error)
    {
        try
        {
            path = new FileInfo(exe).LinkTarget;
            error = string.IsNullOrEmpty(path) ? $"{exe}: not a link" : null;
            return error is null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            path = null;
            error = $"{exe}: {ex.Message}";
            return false;
        }
    }

    /// <summary>The owner by the real uid of <c>status</c>; true when the process has exited meanwhile.</summary>
    private bool ReadOwnerGone(HostMetricWriter writer, ProcessEntry entry)
    {
        if (!files.TryRead(entry.Status, out var status, out string? error))
        {
            return ProcessScraper.FailUnlessGone(writer, entry, error!, options.MuteProcessUserError);
        }

        if (!ProcessScraper.TryKeyed(status, "Uid:"u8, out ulong uid))
        {
            FailUser(writer, $"{entry.Status}: no Uid line");
        }
        else if (users.TryGet(uid, out string? owner))
        {
            entry.Owner = owner;
        }
        else
        {
            FailUser(writer, $"{entry.Status}: uid {uid} is not in /etc/passwd");
        }

        return false;
    }

    private void FailUser(HostMetricWriter writer, string error)
    {
        if (!options.MuteProcessUserError)
        {
            writer.Fail(error);
        }
    }
}
