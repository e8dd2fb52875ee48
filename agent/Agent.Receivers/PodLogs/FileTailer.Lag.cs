namespace Agent.Receivers.PodLogs;

/// <summary>
/// How far this tailer is behind its file, from sizes already known: the tailer's own stat each read cycle and the
/// receiver's stat of the path each poll (which keeps the size current while a full pipeline holds reading back).
/// Read by the poll loop while the tailer runs, hence the volatile reads of plain long fields.
/// </summary>
internal sealed partial class FileTailer
{
    private long _fileSize;
    private long _acknowledgedOffset;

    /// <summary>Bytes of the file not read yet.</summary>
    public long UnreadBytes => Math.Max(0, Volatile.Read(ref _fileSize) - Volatile.Read(ref _readOffset));

    /// <summary>Bytes of the file past its checkpoint: what a restart would read again.</summary>
    public long UnacknowledgedBytes => Math.Max(0, Volatile.Read(ref _fileSize) - Volatile.Read(ref _acknowledgedOffset));

    /// <summary>The file's size as a stat just saw it.</summary>
    public void ObserveSize(long size) => Volatile.Write(ref _fileSize, size);

    /// <summary>The file's size as a stat of its path saw it: a tailer not at that offset (grown, truncated) is woken.</summary>
    public void ObservePathSize(long size)
    {
        ObserveSize(size);
        if (size != Volatile.Read(ref _readOffset))
        {
            Wake();
        }
    }

    private void Acknowledged(long offset) => Volatile.Write(ref _acknowledgedOffset, offset);
}
