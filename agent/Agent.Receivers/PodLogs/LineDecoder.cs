using System.Buffers;
using Agent.Core.Model;
using Agent.Core.Telemetry;

namespace Agent.Receivers.PodLogs;

/// <summary>
/// Turns the bytes of one file into entries of a <see cref="RawLogChunk"/>: splits lines, parses CRI, docker or
/// plain framing, joins split lines, cuts records at the size limit, makes text valid UTF-8 and finds fields.
/// Nothing is allocated per line. It tracks the file position of what it has decoded (<see cref="Position"/>).
/// </summary>
internal sealed class LineDecoder : IDisposable
{
    private readonly ReceiverTelemetry _telemetry;
    private readonly int _maxLogSize;
    private readonly FieldExtractor _extractor;
    private readonly PartialLineJoiner _joiner;
    private LogFormat _format;
    private long _offset;
    private TailPosition _resume;
    private bool _discarding;

    public LineDecoder(LogFormat format, int maxLogSize, FieldExtractor extractor, ReceiverTelemetry telemetry)
    {
        _format = format;
        _maxLogSize = maxLogSize;
        _extractor = extractor;
        _telemetry = telemetry;
        _joiner = new PartialLineJoiner(maxLogSize);
    }

    /// <summary>The file's format, once known (<see cref="LogFormat.Auto"/> until the first line was seen).</summary>
    public LogFormat Format => _format;

    /// <summary>The file offset of the next byte to decode.</summary>
    public long Offset => _offset;

    /// <summary>
    /// The position to checkpoint after what was decoded so far. While lines before the resume point are read
    /// again to rebuild split lines, it stays the resume point.
    /// </summary>
    public TailPosition Position => _offset < _resume.Offset
        ? _resume
        : new TailPosition(_offset, _joiner.StartOffset(LogStream.Stdout), _joiner.StartOffset(LogStream.Stderr));

    /// <summary>Starts over at <paramref name="position"/>; the caller reads from <see cref="TailPosition.ReadFrom"/>.</summary>
    public void Reset(TailPosition position)
    {
        _joiner.Clear();
        _resume = position;
        _offset = position.ReadFrom;
        _discarding = false;
    }

    /// <summary>Decodes the complete lines at the front of <paramref name="buffer"/>, which starts at <see cref="Offset"/>; returns the bytes used.</summary>
    public int Decode(ReadOnlySpan<byte> buffer, RawLogChunk chunk, long nowUnixNano)
    {
        int consumed = 0;
        if (_discarding)
        {
            int newline = buffer.IndexOf((byte)'\n');
            consumed = newline < 0 ? buffer.Length : newline + 1;
            _offset += consumed;
            _discarding = newline < 0;
        }

        while (LineSplitter.TryReadLine(buffer[consumed..], out var line, out int used))
        {
            DecodeLine(line, _offset, chunk, nowUnixNano);
            consumed += used;
            _offset += used;
        }

        return consumed;
    }

    /// <summary>
    /// <paramref name="buffer"/> is as long as a line may be and holds no newline: its head becomes a truncated
    /// record (CRI and plain; a docker line cannot be parsed without its end) and the rest of the line is dropped.
    /// </summary>
    public void DecodeOverlong(ReadOnlySpan<byte> buffer, RawLogChunk chunk, long nowUnixNano)
    {
        if (_format == LogFormat.Auto)
        {
            _format = buffer.TrimStart(" "u8).StartsWith("{"u8) ? LogFormat.Docker
                : CriParser.Looks(buffer) ? LogFormat.Cri : LogFormat.Plain;
        }

        if (_format == LogFormat.Docker)
        {
            CountMalformed(MalformedReason.TooLong);
        }
        else
        {
            DecodeLine(buffer, _offset, chunk, nowUnixNano);
        }

        _offset += buffer.Length;
        _discarding = true;
    }

    /// <summary>
    /// The file will not grow any more (rotated away or deleted): an unterminated last line and split lines whose
    /// end never came become records of their own.
    /// </summary>
    public void Flush(ReadOnlySpan<byte> rest, RawLogChunk chunk, long nowUnixNano)
    {
        if (!rest.IsEmpty && !_discarding)
        {
            DecodeLine(LineSplitter.TrimCarriageReturn(rest), _offset, chunk, nowUnixNano);
        }

        _offset += rest.Length;
        _discarding = false;
        foreach (var stream in (ReadOnlySpan<LogStream>)[LogStream.Stdout, LogStream.Stderr])
        {
            if (_joiner.IsPending(stream))
            {
                var joined = _joiner.Take(stream, out long time, out bool truncated);
                Emit(joined, time, stream, truncated, chunk);
            }
        }
    }

    private void DecodeLine(ReadOnlySpan<byte> line, long lineOffset, RawLogChunk chunk, long nowUnixNano)
    {
        if (_format == LogFormat.Auto)
        {
            _format = FormatDetector.Detect(line);
            if (_format == LogFormat.Auto)
            {
                return;
            }
        }

        switch (_format)
        {
            case LogFormat.Cri:
                DecodeCri(line, lineOffset, chunk);
                break;
            case LogFormat.Docker:
                DecodeDocker(line, lineOffset, chunk);
                break;
            default:
                if (lineOffset >= _resume.Offset)
                {
                    Emit(line, nowUnixNano, LogStream.Unknown, false, chunk);
                }

                break;
        }
    }

    private void DecodeCri(ReadOnlySpan<byte> line, long lineOffset, RawLogChunk chunk)
    {
        var reason = CriParser.TryParse(line, out var cri);
        if (reason != MalformedReason.None)
        {
            CountMalformed(reason, lineOffset);
            return;
        }

        if (!IsNew(cri.Stream, lineOffset))
        {
            return;
        }

        if (cri.Partial || _joiner.IsPending(cri.Stream))
        {
            _joiner.Append(cri.Stream, lineOffset, cri.TimeUnixNano, cri.Content);
            if (!cri.Partial)
            {
                var joined = _joiner.Take(cri.Stream, out long time, out bool truncated);
                Emit(joined, time, cri.Stream, truncated, chunk);
            }

            return;
        }

        Emit(cri.Content, cri.TimeUnixNano, cri.Stream, false, chunk);
    }

    private void DecodeDocker(ReadOnlySpan<byte> line, long lineOffset, RawLogChunk chunk)
    {
        // The log text is unescaped straight into the chunk's free space; it stays there unless it is a part.
        var destination = chunk.GetSpan(line.Length);
        var reason = DockerParser.TryParse(line, destination, out var docker);
        if (reason != MalformedReason.None)
        {
            CountMalformed(reason, lineOffset);
            return;
        }

        if (!IsNew(docker.Stream, lineOffset))
        {
            return;
        }

        var text = destination[..docker.ContentLength];
        if (docker.Partial || _joiner.IsPending(docker.Stream))
        {
            _joiner.Append(docker.Stream, lineOffset, docker.TimeUnixNano, text);
            if (!docker.Partial)
            {
                var joined = _joiner.Take(docker.Stream, out long time, out bool truncated);
                Emit(joined, time, docker.Stream, truncated, chunk);
            }

            return;
        }

        bool cut = text.Length > _maxLogSize;
        if (cut)
        {
            text = text[..Utf8Sanitizer.Truncate(text, _maxLogSize).Length];
        }

        if (Utf8Sanitizer.IsValid(text))
        {
            int offset = chunk.Length;
            chunk.Advance(text.Length);
            AddEntry(chunk, offset, text.Length, docker.TimeUnixNano, docker.Stream, cut);
            return;
        }

        // Rare: invalid UTF-8 arrived through the JSON; copy it out because the chunk may move while it grows.
        byte[] copy = ArrayPool<byte>.Shared.Rent(text.Length);
        text.CopyTo(copy);
        Emit(copy.AsSpan(0, text.Length), docker.TimeUnixNano, docker.Stream, cut, chunk);
        ArrayPool<byte>.Shared.Return(copy);
    }

    /// <summary>False for a line that was handed on before the resume point and is not part of a line being rebuilt.</summary>
    private bool IsNew(LogStream stream, long lineOffset)
    {
        if (lineOffset >= _resume.Offset)
        {
            return true;
        }

        long rebuildFrom = stream switch
        {
            LogStream.Stdout => _resume.StdoutPartialStart,
            LogStream.Stderr => _resume.StderrPartialStart,
            _ => -1,
        };
        return rebuildFrom >= 0 && lineOffset >= rebuildFrom;
    }

    private void Emit(ReadOnlySpan<byte> text, long timeUnixNano, LogStream stream, bool truncated, RawLogChunk chunk)
    {
        if (text.Length > _maxLogSize)
        {
            text = Utf8Sanitizer.Truncate(text, _maxLogSize);
            truncated = true;
        }

        int offset = chunk.Length;
        int written;
        if (Utf8Sanitizer.IsValid(text))
        {
            text.CopyTo(chunk.GetSpan(text.Length));
            written = text.Length;
        }
        else
        {
            written = Utf8Sanitizer.CopyReplacing(text, chunk.GetSpan(Utf8Sanitizer.MaxOutput(text.Length)));
        }

        chunk.Advance(written);
        AddEntry(chunk, offset, written, timeUnixNano, stream, truncated);
    }

    private void AddEntry(RawLogChunk chunk, int offset, int length, long timeUnixNano, LogStream stream, bool truncated)
    {
        var entry = new RawLogEntry
        {
            TimeUnixNano = timeUnixNano,
            Offset = offset,
            Length = length,
            Stream = stream,
            Truncated = truncated,
            LevelOffset = -1,
            TraceIdOffset = -1,
            SpanIdOffset = -1,
        };
        _extractor.Extract(chunk.Bytes.Slice(offset, length), offset, ref entry);
        chunk.Add(entry);
        if (truncated)
        {
            _telemetry.TruncatedLine();
        }
    }

    private void CountMalformed(MalformedReason reason, long lineOffset = long.MaxValue)
    {
        // Lines read again to rebuild split lines were counted the first time.
        if (lineOffset < _resume.Offset)
        {
            return;
        }

        _telemetry.MalformedLine(reason.Label());
    }

    public void Dispose() => _joiner.Dispose();
}
