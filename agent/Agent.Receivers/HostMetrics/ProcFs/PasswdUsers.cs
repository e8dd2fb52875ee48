using System.Buffers.Text;

namespace Agent.Receivers.HostMetrics.ProcFs;

/// <summary>
/// User names by uid from the host's <c>/etc/passwd</c> (under <c>root_path</c>, so the host's users rather than the
/// agent image's), read again only when the file's modification time changes. A line that does not parse is
/// skipped: the uids it would name are then unknown, which the scraper counts per process.
/// </summary>
internal sealed class PasswdUsers(string path)
{
    private readonly ProcFileReader _files = new();
    private Dictionary<ulong, string> _names = [];
    private DateTime _readAt = DateTime.MinValue;

    /// <summary>Reloads the table when the file changed; call once per scrape.</summary>
    public void Refresh()
    {
        DateTime modified = File.GetLastWriteTimeUtc(path);
        if (modified == _readAt)
        {
            return;
        }

        _readAt = modified;
        var names = new Dictionary<ulong, string>();
        if (_files.TryRead(path, out var content, out _))
        {
            foreach (var line in new SpanLines(content))
            {
                // name:password:uid:gid:gecos:home:shell
                int first = line.IndexOf((byte)':');
                int second = first < 0 ? -1 : line[(first + 1)..].IndexOf((byte)':');
                if (second < 0)
                {
                    continue;
                }

                var rest = line[(first + second + 2)..];
                int end = rest.IndexOf((byte)':');
                if (end > 0 && Utf8Parser.TryParse(rest[..end], out ulong uid, out int used) && used == end)
                {
                    names.TryAdd(uid, System.Text.Encoding.UTF8.GetString(line[..first]));
                }
            }
        }

        _names = names;
    }

    public bool TryGet(ulong uid, out string? name) => _names.TryGetValue(uid, out name);
}
