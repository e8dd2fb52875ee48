using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>A CRI line split into its parts; the content is a slice of the line.</summary>
internal readonly ref struct CriLine
{
    public CriLine(long timeUnixNano, LogStream stream, bool partial, ReadOnlySpan<byte> content)
    {
        TimeUnixNano = timeUnixNano;
        Stream = stream;
        Partial = partial;
        Content = content;
    }

    public long TimeUnixNano { get; }

    public LogStream Stream { get; }

    /// <summary>True for a <c>P</c> line: the runtime split a long line and more of it follows.</summary>
    public bool Partial { get; }

    public ReadOnlySpan<byte> Content { get; }
}

/// <summary>
/// Parses the CRI log format written by containerd and CRI-O: <c>&lt;RFC3339Nano time&gt; &lt;stdout|stderr&gt;
/// &lt;P|F&gt; &lt;content&gt;</c> (the tag field may carry more tags after a colon, which are ignored).
/// </summary>
internal static class CriParser
{
    public static MalformedReason TryParse(ReadOnlySpan<byte> line, out CriLine result)
    {
        result = default;
        if (line.IsEmpty)
        {
            return MalformedReason.EmptyLine;
        }

        int space = line.IndexOf((byte)' ');
        if (space < 0 || !Rfc3339.TryParse(line[..space], out long time))
        {
            return MalformedReason.BadTimestamp;
        }

        var rest = line[(space + 1)..];
        LogStream stream;
        if (rest.StartsWith("stdout "u8))
        {
            stream = LogStream.Stdout;
        }
        else if (rest.StartsWith("stderr "u8))
        {
            stream = LogStream.Stderr;
        }
        else
        {
            return MalformedReason.BadStream;
        }

        rest = rest[7..];
        int tagEnd = rest.IndexOf((byte)' ');
        var tags = tagEnd < 0 ? rest : rest[..tagEnd];
        int colon = tags.IndexOf((byte)':');
        var flag = colon < 0 ? tags : tags[..colon];
        if (flag.Length != 1 || (flag[0] != 'P' && flag[0] != 'F'))
        {
            return MalformedReason.BadFlag;
        }

        // An empty line may come without the space before its (empty) content.
        var content = tagEnd < 0 ? default : rest[(tagEnd + 1)..];
        result = new CriLine(time, stream, flag[0] == 'P', content);
        return MalformedReason.None;
    }

    /// <summary>True when the line looks like CRI (used by format detection).</summary>
    public static bool Looks(ReadOnlySpan<byte> line) => TryParse(line, out _) == MalformedReason.None;
}
