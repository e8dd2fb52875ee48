using System.Diagnostics;
using System.Text;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>How a <see cref="RotatingWriter"/> names the files it rotates away.</summary>
public enum RotationNaming
{
    /// <summary>logrotate's style: <c>0.log.1</c> is the newest, older ones move up a number.</summary>
    Numbered,

    /// <summary>The kubelet's style: <c>0.log.20261201-120000</c>, a new name per rotation.</summary>
    Timestamped,
}

/// <summary>
/// A writer that rotates fast: numbered plain lines (<c>0000042 file 0003 …</c>) at a steady rate into one file, which
/// it renames every period, keeping only the newest rotated files (older ones deleted). It remembers which file each
/// line went to.
/// </summary>
internal sealed class RotatingWriter
{
    private readonly string _path;
    private readonly RotationNaming _naming;
    private readonly int _keep;
    private readonly Queue<string> _rotated = new();
    private readonly List<int> _fileOfLine = [];

    public RotatingWriter(string path, RotationNaming naming, int keep)
    {
        _path = path;
        _naming = naming;
        _keep = keep;
    }

    /// <summary>The file (0 = the first) each line number went to, by line number.</summary>
    public IReadOnlyList<int> FileOfLine => _fileOfLine;

    public int Rotations { get; private set; }

    public static string Line(int number, int file) => $"{number:D7} file {file:D4} {new string('x', 60)}";

    /// <summary>Writes <paramref name="linesPerSecond"/> for <paramref name="duration"/>, rotating every <paramref name="period"/>, on a thread of its own.</summary>
    public Task RunAsync(int linesPerSecond, TimeSpan period, TimeSpan duration) =>
        Task.Factory.StartNew(() => Run(linesPerSecond, period, duration), TaskCreationOptions.LongRunning);

    private void Run(int linesPerSecond, TimeSpan period, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var file = Create();
        var nextRotation = period;
        try
        {
            while (clock.Elapsed < duration)
            {
                long due = (long)(clock.Elapsed.TotalSeconds * linesPerSecond);
                var text = new StringBuilder();
                while (_fileOfLine.Count < due)
                {
                    text.Append(Line(_fileOfLine.Count, Rotations)).Append('\n');
                    _fileOfLine.Add(Rotations);
                }

                file.Write(Encoding.ASCII.GetBytes(text.ToString()));
                file.Flush();
                if (clock.Elapsed >= nextRotation)
                {
                    // A period from this rotation, not a catch-up: a writer held up by a busy machine must not rotate
                    // several times in a row, which would delete files within milliseconds of their creation.
                    file = Rotate(file);
                    nextRotation = clock.Elapsed + period;
                }

                // Pacing only: lines are due by the clock, however long this sleeps.
                Thread.Sleep(1);
            }
        }
        finally
        {
            file.Dispose();
        }
    }

    private FileStream Rotate(FileStream file)
    {
        if (_naming == RotationNaming.Numbered)
        {
            File.Delete($"{_path}.{_keep}");
            for (int i = _keep - 1; i >= 1; i--)
            {
                if (File.Exists($"{_path}.{i}"))
                {
                    File.Move($"{_path}.{i}", $"{_path}.{i + 1}");
                }
            }

            File.Move(_path, _path + ".1");
        }
        else
        {
            string name = $"{_path}.{new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc).AddSeconds(Rotations):yyyyMMdd-HHmmss}";
            File.Move(_path, name);
            _rotated.Enqueue(name);
            while (_rotated.Count > _keep)
            {
                File.Delete(_rotated.Dequeue());
            }
        }

        file.Dispose();
        Rotations++;
        return Create();
    }

    private FileStream Create() => new(_path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
}
