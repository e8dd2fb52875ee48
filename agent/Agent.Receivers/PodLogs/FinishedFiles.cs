namespace Agent.Receivers.PodLogs;

/// <summary>
/// Files read to their end that may still lie beside their live path under a rotated name, so that a look at the
/// rotated names does not read them again. Known by device and inode; a file whose size and modification time are
/// still those it ended with needs no open to be recognised, one that changed is compared by fingerprint (a deleted
/// file's inode is soon given to a new file). Forgotten once its directory was looked at a few times without it, over
/// a while: a look may miss a name that is being renamed meanwhile (logrotate's <c>.1</c> → <c>.2</c>: listed under
/// one name, stat'ed after the rename found another file there), a storm of renames sets off look after look, and
/// forgetting a file that is still there would read it again from its start.
/// </summary>
internal sealed class FinishedFiles(TimeProvider time, TimeSpan forgetAfter)
{
    /// <summary>Looks at its directory without a file after which it may be forgotten.</summary>
    private const int MissesToForget = 3;

    private readonly Dictionary<(ulong Device, ulong Inode), Entry> _files = [];

    public int Count => _files.Count;

    /// <summary>Remembers a file read up to <paramref name="end"/>'s size, in <paramref name="directory"/>.</summary>
    public void Add(FileIdentity identity, FileStatus end, string directory) =>
        _files[(identity.Device, identity.Inode)] = new Entry(identity, end.Size, end.Modified, directory, time.GetTimestamp());

    /// <summary>True when <paramref name="status"/> is a finished file that has not changed since.</summary>
    public bool IsUnchanged(FileStatus status) =>
        _files.TryGetValue((status.Device, status.Inode), out var entry) && entry.End == status.Size && entry.Modified == status.Modified;

    /// <summary>
    /// Where to go on in <paramref name="identity"/> if it is a finished file that grew since (late writes after its
    /// rotation); null when it is no finished file, and a stale entry for its inode (another file's) is forgotten.
    /// </summary>
    public long? ResumeOffset(FileIdentity identity)
    {
        var key = (identity.Device, identity.Inode);
        if (!_files.TryGetValue(key, out var entry))
        {
            return null;
        }

        _files.Remove(key);
        return entry.Identity.SameFileAs(identity) ? entry.End : null;
    }

    /// <summary>
    /// Counts a miss for the files of the directories just looked at that were not seen there; forgets those missed
    /// often enough and not seen for <c>forgetAfter</c>.
    /// </summary>
    public void Prune(HashSet<(ulong Device, ulong Inode)> seen, Func<string, bool>? lookedAt)
    {
        long now = time.GetTimestamp();
        foreach (var (key, entry) in _files)
        {
            if (seen.Contains(key))
            {
                (entry.Misses, entry.LastSeen) = (0, now);
            }
            else if ((lookedAt is null || lookedAt(entry.Directory)) && ++entry.Misses >= MissesToForget &&
                time.GetElapsedTime(entry.LastSeen, now) >= forgetAfter)
            {
                _files.Remove(key);
            }
        }
    }

    private sealed class Entry(FileIdentity identity, long end, long modified, string directory, long lastSeen)
    {
        public FileIdentity Identity { get; } = identity;

        public long End { get; } = end;

        public long Modified { get; } = modified;

        public string Directory { get; } = directory;

        public int Misses { get; set; }

        public long LastSeen { get; set; } = lastSeen;
    }
}
