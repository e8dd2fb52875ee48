namespace Agent.Receivers.PodLogs;

/// <summary>
/// How far a file has been read: <see cref="Offset"/> is just past the last complete line handed on. A split line
/// (CRI <c>P</c>, docker without a final newline) whose end has not come yet is remembered by the offset of its
/// first part per stream, so reading again from a checkpoint can rebuild it without sending other lines twice.
/// </summary>
internal readonly record struct TailPosition(long Offset, long StdoutPartialStart = -1, long StderrPartialStart = -1)
{
    public static TailPosition Start => new(0);

    /// <summary>Where reading must start to rebuild the split lines: the earliest of the offsets.</summary>
    public long ReadFrom
    {
        get
        {
            long from = Offset;
            if (StdoutPartialStart >= 0)
            {
                from = Math.Min(from, StdoutPartialStart);
            }

            if (StderrPartialStart >= 0)
            {
                from = Math.Min(from, StderrPartialStart);
            }

            return from;
        }
    }
}
