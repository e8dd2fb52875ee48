using System.Globalization;
using System.Text;
using Agent.Core.Model;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>
/// Writes a live <c>/var/log/pods</c> tree the way the kubelet and container runtimes do: one directory per pod,
/// one per container, <c>&lt;restart&gt;.log</c> files in CRI or docker json-file format, long lines split into
/// parts, rotation by rename (with late writes to the renamed file) or by copytruncate, container restarts and pod
/// deletion. It remembers every line it wrote, so a test can check what the receiver delivered.
/// </summary>
internal sealed class FakeKubelet
{
    private readonly List<ExpectedLine> _written = [];
    private long _clock = 1_704_067_199_000_000_000; // 2023-12-31T23:59:59Z: the run crosses a year boundary
    private int _rotations;

    public FakeKubelet(string root)
    {
        PodsDirectory = Path.Combine(root, "pods");
        Directory.CreateDirectory(PodsDirectory);
    }

    public string PodsDirectory { get; }

    public IReadOnlyList<ExpectedLine> Written
    {
        get
        {
            lock (_written)
            {
                return [.. _written];
            }
        }
    }

    public FakeContainer StartContainer(string ns, string pod, string uid, string container, bool docker, int restart = 0)
    {
        string directory = Path.Combine(PodsDirectory, $"{ns}_{pod}_{uid}", container);
        Directory.CreateDirectory(directory);
        return new FakeContainer(this, directory, new ContainerKey(ns, pod, uid, container, restart), docker);
    }

    public void DeletePod(string ns, string pod, string uid) =>
        Directory.Delete(Path.Combine(PodsDirectory, $"{ns}_{pod}_{uid}"), recursive: true);

    internal long NextTime() => Interlocked.Add(ref _clock, 1_234_567_891);

    internal string NextRotationSuffix() =>
        DateTime.UnixEpoch.AddSeconds(Interlocked.Increment(ref _rotations)).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    internal void Record(ExpectedLine line)
    {
        lock (_written)
        {
            _written.Add(line);
        }
    }

    /// <summary>RFC 3339 with nine fractional digits, in UTC or in a fixed offset, as runtimes write it.</summary>
    internal static string Format(long unixNanos, TimeSpan offset)
    {
        var time = DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100).ToOffset(offset);
        string fraction = (unixNanos % 1_000_000_000).ToString("D9", CultureInfo.InvariantCulture);
        string zone = offset == TimeSpan.Zero ? "Z" : time.ToString("zzz", CultureInfo.InvariantCulture);
        return time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "." + fraction + zone;
    }
}

internal readonly record struct ContainerKey(string Namespace, string Pod, string Uid, string Container, int Restart);

internal sealed record ExpectedLine(ContainerKey Container, LogStream Stream, long TimeUnixNano, string Text);

/// <summary>One container's log file, kept open like a runtime keeps it.</summary>
internal sealed class FakeContainer : IDisposable
{
    private readonly FakeKubelet _kubelet;
    private readonly string _directory;
    private readonly bool _docker;
    private FileStream _file;
    private int _lines;

    public FakeContainer(FakeKubelet kubelet, string directory, ContainerKey key, bool docker)
    {
        _kubelet = kubelet;
        _directory = directory;
        Key = key;
        _docker = docker;
        _file = Open();
    }

    public ContainerKey Key { get; }

    public string LogPath => Path.Combine(_directory, $"{Key.Restart}.log");

    /// <summary>Writes one log line; with <paramref name="parts"/> above one, the runtime splits it into that many pieces.</summary>
    public void Write(LogStream stream, string text, int parts = 1)
    {
        long time = _kubelet.NextTime();
        var offset = (_lines++ % 3) switch { 0 => TimeSpan.Zero, 1 => TimeSpan.FromHours(2), _ => TimeSpan.FromHours(-5.5) };
        string timestamp = FakeKubelet.Format(time, offset);
        string streamName = stream == LogStream.Stdout ? "stdout" : "stderr";
        int size = (text.Length + parts - 1) / Math.Max(1, parts);
        var output = new StringBuilder();
        for (int start = 0, piece = 0; piece < parts; start += size, piece++)
        {
            bool last = piece == parts - 1;
            string part = last ? text[Math.Min(start, text.Length)..] : text.Substring(start, Math.Min(size, text.Length - start));
            if (_docker)
            {
                string log = System.Text.Json.JsonEncodedText.Encode(part + (last ? "\n" : string.Empty), System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
                output.Append(CultureInfo.InvariantCulture, $"{{\"log\":\"{log}\",\"stream\":\"{streamName}\",\"time\":\"{FakeKubelet.Format(time, TimeSpan.Zero)}\"}}\n");
            }
            else
            {
                output.Append(CultureInfo.InvariantCulture, $"{timestamp} {streamName} {(last ? 'F' : 'P')} {part}\n");
            }
        }

        _file.Write(Encoding.UTF8.GetBytes(output.ToString()));
        _file.Flush();
        _kubelet.Record(new ExpectedLine(Key, stream, time, text));
    }

    /// <summary>
    /// The kubelet's rotation: rename the file, let the runtime write <paramref name="lateLines"/> more lines to the
    /// renamed file (it has not reopened yet), then reopen at the original path.
    /// </summary>
    public void RotateByRename(int lateLines)
    {
        File.Move(LogPath, LogPath + "." + _kubelet.NextRotationSuffix());
        for (int i = 0; i < lateLines; i++)
        {
            Write(LogStream.Stdout, $"late line {i} after the rename");
        }

        _file.Dispose();
        _file = Open();
    }

    /// <summary>logrotate's copytruncate: copy the content aside, then cut the live file to zero.</summary>
    public void RotateByCopyTruncate()
    {
        File.Copy(LogPath, LogPath + "." + _kubelet.NextRotationSuffix());
        _file.SetLength(0);
        _file.Position = 0;
    }

    public void Dispose() => _file.Dispose();

    private FileStream Open()
    {
        var stream = new FileStream(LogPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(0, SeekOrigin.End);
        return stream;
    }
}
