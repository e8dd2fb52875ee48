using System.Buffers;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Names a rotation gives a log file: the kubelet renames <c>0.log</c> to <c>0.log.20261201-120000</c> (and later
/// gzips older ones through <c>….tmp</c> into <c>….gz</c>); logrotate's numbered style gives <c>app.log.1</c>. Only the
/// uncompressed ones are worth reading: a suffix of digits and dashes after <c>.log.</c>.
/// </summary>
internal static class RotatedName
{
    private const string LogSuffix = ".log.";

    private static readonly SearchValues<char> DigitsAndDash = SearchValues.Create("0123456789-");

    /// <summary>True for any name a rotation produced (read or not), which is never tailed as a live file.</summary>
    public static bool IsRotated(string path)
    {
        var name = Path.GetFileName(path.AsSpan());
        return name.EndsWith(".gz", StringComparison.Ordinal) || name.Contains(LogSuffix, StringComparison.Ordinal);
    }

    /// <summary>
    /// The live path an uncompressed rotated file came from (<c>…/0.log.20261201-120000</c> → <c>…/0.log</c>); null
    /// for other names, compressed or half-compressed (<c>.gz</c>, <c>.tmp</c>) ones included.
    /// </summary>
    public static string? LivePathOf(string path)
    {
        int dot = path.LastIndexOf(LogSuffix, StringComparison.Ordinal);
        if (dot < 0 || path.IndexOf('/', dot) >= 0)
        {
            return null;
        }

        var suffix = path.AsSpan(dot + LogSuffix.Length);
        return suffix.Length > 0 && !suffix.ContainsAnyExcept(DigitsAndDash) ? path[..(dot + LogSuffix.Length - 1)] : null;
    }
}
