using System.Buffers;
using System.Text.Json;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// The read position of every tailed file, keyed by file identity, kept in <c>checkpoints.json</c> in the
/// receiver's storage directory. It is written whole to a temporary file, flushed to disk and renamed over the
/// old one, so a crash leaves either the old or the new state. Positions are only set for data that every
/// exporter acknowledged.
/// </summary>
internal sealed class CheckpointStore
{
    public const string FileName = "checkpoints.json";

    private readonly object _gate = new();

    // Saves come every poll interval: the document is written into one kept buffer rather than a new stream and
    // array each time (a 5 M-line run allocated ~8 MiB there), and one save runs at a time, as it reuses them.
    private readonly Lock _saving = new();
    private readonly ArrayBufferWriter<byte> _content = new(16 * 1024);
    private Utf8JsonWriter? _json;
    private readonly string _path;
    private readonly List<(FileIdentity Identity, TailPosition Position, string? Path)> _unclaimed = [];
    private readonly Dictionary<FileIdentity, (string Path, TailPosition Position)> _live = new(ReferenceEqualityComparer.Instance);
    private bool _dirty;

    private CheckpointStore(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
    }

    /// <summary>True when a checkpoint file was there at start: the receiver ran before, so new files are read from the beginning.</summary>
    public bool Existed { get; private set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _live.Count + _unclaimed.Count;
            }
        }
    }

    /// <summary>Loads the store of <paramref name="directory"/>; an unreadable file is reported and treated as empty.</summary>
    public static CheckpointStore Load(string directory, Action<Exception>? onCorrupt = null)
    {
        var store = new CheckpointStore(directory);
        if (!File.Exists(store._path))
        {
            return store;
        }

        store.Existed = true;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(store._path));
            foreach (var element in document.RootElement.GetProperty("files").EnumerateArray())
            {
                var identity = new FileIdentity(
                    element.GetProperty("device").GetUInt64(),
                    element.GetProperty("inode").GetUInt64(),
                    element.GetProperty("fingerprint").GetBytesFromBase64());
                var position = new TailPosition(
                    element.GetProperty("offset").GetInt64(),
                    element.GetProperty("stdout_partial_start").GetInt64(),
                    element.GetProperty("stderr_partial_start").GetInt64());
                string? path = element.TryGetProperty("path", out var stored) ? stored.GetString() : null;
                store._unclaimed.Add((identity, position, path));
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            onCorrupt?.Invoke(ex);
        }

        return store;
    }

    /// <summary>Takes the stored position of the file, if there is one; each stored entry is handed out once.</summary>
    public TailPosition? Claim(FileIdentity identity)
    {
        lock (_gate)
        {
            int index = _unclaimed.FindIndex(entry => entry.Identity.SameFileAs(identity));
            if (index < 0)
            {
                return null;
            }

            var position = _unclaimed[index].Position;
            _unclaimed.RemoveAt(index);
            return position;
        }
    }

    /// <summary>The stored positions not claimed yet, with the path their file had.</summary>
    public List<(FileIdentity Identity, string? Path)> Unclaimed()
    {
        lock (_gate)
        {
            return _unclaimed.Select(entry => (entry.Identity, entry.Path)).ToList();
        }
    }

    /// <summary>Forgets stored positions no file was found for (their files are gone).</summary>
    public void DropUnclaimed()
    {
        lock (_gate)
        {
            _dirty |= _unclaimed.Count > 0;
            _unclaimed.Clear();
        }
    }

    public void Set(FileIdentity identity, string path, TailPosition position)
    {
        lock (_gate)
        {
            _live[identity] = (path, position);
            _dirty = true;
        }
    }

    public void Remove(FileIdentity identity)
    {
        lock (_gate)
        {
            _dirty |= _live.Remove(identity);
        }
    }

    /// <summary>Hands a live position back so that a file opened again (after a tailer failed) can claim it.</summary>
    public void Release(FileIdentity identity)
    {
        lock (_gate)
        {
            if (_live.Remove(identity, out var entry))
            {
                _unclaimed.Add((identity, entry.Position, entry.Path));
            }
        }
    }

    /// <summary>Writes the store when something changed since the last save.</summary>
    public void Save()
    {
        lock (_saving)
        {
            lock (_gate)
            {
                if (!_dirty)
                {
                    return;
                }

                Serialize();
                _dirty = false;
            }

            WriteFile();
        }
    }

    private void WriteFile()
    {
        string temporary = _path + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(_content.WrittenSpan);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, _path, overwrite: true);
        }
        catch
        {
            lock (_gate)
            {
                _dirty = true;
            }

            throw;
        }
    }

    private void Serialize()
    {
        _content.ResetWrittenCount();
        var json = _json ??= new Utf8JsonWriter(_content, new JsonWriterOptions { Indented = true });
        json.Reset(_content);
        json.WriteStartObject();
        json.WriteNumber("version", 1);
        json.WriteStartArray("files");
        foreach (var (identity, (path, position)) in _live)
        {
            Write(json, identity, path, position);
        }

        foreach (var (identity, position, path) in _unclaimed)
        {
            Write(json, identity, path, position);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
    }

    private static void Write(Utf8JsonWriter json, FileIdentity identity, string? path, TailPosition position)
    {
        json.WriteStartObject();
        if (path is not null)
        {
            json.WriteString("path", path);
        }

        json.WriteNumber("device", identity.Device);
        json.WriteNumber("inode", identity.Inode);
        json.WriteBase64String("fingerprint", identity.Fingerprint);
        json.WriteNumber("offset", position.Offset);
        json.WriteNumber("stdout_partial_start", position.StdoutPartialStart);
        json.WriteNumber("stderr_partial_start", position.StderrPartialStart);
        json.WriteEndObject();
    }
}
