namespace Agent.Receivers.HostMetrics.ProcFs;

/// <summary>
/// The fields of <c>/proc/&lt;pid&gt;/stat</c> the process scraper uses (proc(5)): the name in parentheses, which
/// may itself hold blanks and parentheses (hence the last <c>)</c>), then numbered fields. Times are in USER_HZ
/// ticks, <c>rss</c> in pages.
/// </summary>
internal readonly ref struct ProcessStat
{
    // Positions after the name: 0 = state, 1 = ppid, 11 = utime, 12 = stime, 17 = num_threads, 19 = starttime,
    // 20 = vsize, 21 = rss.
    private const int PpidField = 1;
    private const int UtimeField = 11;
    private const int ThreadsField = 17;
    private const int StartTimeField = 19;

    public ReadOnlySpan<byte> Comm { get; init; }

    public ulong ParentPid { get; init; }

    public ulong UserTicks { get; init; }

    public ulong SystemTicks { get; init; }

    public ulong Threads { get; init; }

    public ulong StartTicks { get; init; }

    public ulong VirtualBytes { get; init; }

    public ulong ResidentPages { get; init; }

    /// <summary>False when the content is cut short or a field is not a number.</summary>
    public static bool TryParse(ReadOnlySpan<byte> content, out ProcessStat stat)
    {
        stat = default;
        int open = content.IndexOf((byte)'(');
        int close = content.LastIndexOf((byte)')');
        if (open < 0 || close < open)
        {
            return false;
        }

        var fields = new SpanFields(content[(close + 1)..]);
        if (!fields.Skip(PpidField) || !fields.TryNextUInt64(out ulong ppid)
            || !fields.Skip(UtimeField - PpidField - 1) || !fields.TryNextUInt64(out ulong utime) || !fields.TryNextUInt64(out ulong stime)
            || !fields.Skip(ThreadsField - UtimeField - 2) || !fields.TryNextUInt64(out ulong threads)
            || !fields.Skip(StartTimeField - ThreadsField - 1) || !fields.TryNextUInt64(out ulong start)
            || !fields.TryNextUInt64(out ulong vsize) || !fields.TryNextUInt64(out ulong rss))
        {
            return false;
        }

        stat = new ProcessStat
        {
            Comm = content[(open + 1)..close],
            ParentPid = ppid,
            UserTicks = utime,
            SystemTicks = stime,
            Threads = threads,
            StartTicks = start,
            VirtualBytes = vsize,
            ResidentPages = rss,
        };
        return true;
    }
}
