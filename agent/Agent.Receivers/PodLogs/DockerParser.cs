using System.Text.Json;
using Agent.Core.Model;

namespace Agent.Receivers.PodLogs;

/// <summary>A docker json-file line; its log text was unescaped into the caller's buffer.</summary>
internal readonly struct DockerLine
{
    public DockerLine(long timeUnixNano, LogStream stream, bool partial, int contentLength)
    {
        TimeUnixNano = timeUnixNano;
        Stream = stream;
        Partial = partial;
        ContentLength = contentLength;
    }

    public long TimeUnixNano { get; }

    public LogStream Stream { get; }

    /// <summary>True when the log text did not end in a newline: the daemon split a long line and more follows.</summary>
    public bool Partial { get; }

    /// <summary>Bytes of unescaped text written to the destination, without the final newline.</summary>
    public int ContentLength { get; }

    /// <summary>
    /// The line whose unescaped log text fills the first <paramref name="written"/> bytes of
    /// <paramref name="text"/>: a final newline (and the carriage return before it) ends the line and is not
    /// content; without one the daemon split a long line.
    /// </summary>
    public static DockerLine FromText(long timeUnixNano, LogStream stream, ReadOnlySpan<byte> text, int written)
    {
        bool partial = written == 0 || text[written - 1] != '\n';
        if (!partial)
        {
            written--;
            if (written > 0 && text[written - 1] == '\r')
            {
                written--;
            }
        }

        return new DockerLine(timeUnixNano, stream, partial, written);
    }
}

/// <summary>
/// Parses docker's json-file lines (<c>{"log":"text\n","stream":"stdout","time":"..."}</c>, keys in any order,
/// other keys such as <c>attrs</c> skipped). JSON escapes are decoded straight into the destination.
/// </summary>
internal static class DockerParser
{
    /// <summary>Parses <paramref name="line"/>; <paramref name="destination"/> needs at least the line's length.</summary>
    public static MalformedReason TryParse(ReadOnlySpan<byte> line, Span<byte> destination, out DockerLine result)
    {
        result = default;
        if (line.IsEmpty)
        {
            return MalformedReason.EmptyLine;
        }

        if (DockerFastPath.TryParse(line, destination, out result))
        {
            return MalformedReason.None;
        }

        try
        {
            return Parse(line, destination, out result);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // The reader throws on broken JSON; such lines are rare, so the cost of the exception does not matter.
            return MalformedReason.BadJson;
        }
    }

    private static MalformedReason Parse(ReadOnlySpan<byte> line, Span<byte> destination, out DockerLine result)
    {
        result = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return MalformedReason.BadJson;
        }

        int written = -1;
        long time = 0;
        bool hasTime = false;
        var stream = LogStream.Unknown;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("log"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return MalformedReason.BadJson;
                }

                written = reader.CopyString(destination);
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return MalformedReason.BadStream;
                }

                stream = reader.ValueTextEquals("stdout"u8) ? LogStream.Stdout
                    : reader.ValueTextEquals("stderr"u8) ? LogStream.Stderr
                    : LogStream.Unknown;
                if (stream == LogStream.Unknown)
                {
                    return MalformedReason.BadStream;
                }
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ||
                    !Rfc3339.TryParse(reader.ValueSpan, out time))
                {
                    return MalformedReason.BadTimestamp;
                }

                hasTime = true;
            }
            else if (!reader.Read() || !reader.TrySkip())
            {
                return MalformedReason.BadJson;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || written < 0)
        {
            return MalformedReason.BadJson;
        }

        if (!hasTime)
        {
            return MalformedReason.BadTimestamp;
        }

        if (stream == LogStream.Unknown)
        {
            return MalformedReason.BadStream;
        }

        result = DockerLine.FromText(time, stream, destination, written);
        return MalformedReason.None;
    }

    /// <summary>True when the line looks like docker json-file (used by format detection).</summary>
    public static bool Looks(ReadOnlySpan<byte> line)
    {
        var trimmed = line.TrimStart(" \t"u8);
        if (trimmed.IsEmpty || trimmed[0] != '{' || trimmed.IndexOf("\"log\""u8) < 0)
        {
            return false;
        }

        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(line.Length);
        try
        {
            return TryParse(line, scratch, out _) == MalformedReason.None;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
