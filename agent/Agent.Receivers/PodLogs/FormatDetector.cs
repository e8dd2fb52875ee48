namespace Agent.Receivers.PodLogs;

/// <summary>Tells a file's format from its first line: CRI (containerd, CRI-O), docker json-file, else plain text.</summary>
internal static class FormatDetector
{
    /// <summary>The format of <paramref name="firstLine"/>; <see cref="LogFormat.Auto"/> when an empty line tells nothing.</summary>
    public static LogFormat Detect(ReadOnlySpan<byte> firstLine)
    {
        if (firstLine.IsEmpty)
        {
            return LogFormat.Auto;
        }

        if (CriParser.Looks(firstLine))
        {
            return LogFormat.Cri;
        }

        return DockerParser.Looks(firstLine) ? LogFormat.Docker : LogFormat.Plain;
    }
}
