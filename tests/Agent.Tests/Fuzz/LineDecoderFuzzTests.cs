using System.Text;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Receivers.PodLogs;
using CsCheck;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Fuzz;

/// <summary>
/// A file of valid lines with garbage lines among them: every valid line comes out as one record with its text and
/// time, every garbage line is counted malformed, and nothing throws.
/// </summary>
public class LineDecoderFuzzTests
{
    private const int MaxLogSize = 1024;

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Cri_file_yields_each_valid_line_and_counts_each_garbage_line() =>
        Fuzzing.RunAsync(File(PodLogLines.WholeCri, LogFormat.Cri), file => Check(file, LogFormat.Cri), Fuzzing.Costly, Print);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Docker_file_yields_each_valid_line_and_counts_each_garbage_line() =>
        Fuzzing.RunAsync(File(PodLogLines.WholeDocker, LogFormat.Docker), file => Check(file, LogFormat.Docker), Fuzzing.Costly, Print);

    /// <summary>Each entry is a valid line (Item2 true) or garbage that the format's parser refuses.</summary>
    private static Gen<(GeneratedLine Line, bool Valid)[]> File(Gen<GeneratedLine> valid, LogFormat format) =>
        Gen.Frequency(
                (3, valid.Select(l => (l, true))),
                (1, Fuzzing.Bytes(120)
                    .Select(b => b.Where(x => x != '\n').ToArray())
                    .Where(b => !Parses(b, format))
                    .Select(b => (new GeneratedLine(b, 0, LogStream.Unknown, false, []), false))))
            .Array[1, 30];

    private static bool Parses(byte[] line, LogFormat format) => format == LogFormat.Cri
        ? CriParser.TryParse(line, out _) == MalformedReason.None
        : DockerParser.TryParse(line, new byte[line.Length], out _) == MalformedReason.None;

    private static void Check((GeneratedLine Line, bool Valid)[] file, LogFormat format)
    {
        // What the generators promise: lines that stand alone, with no CR or LF in their content.
        Assert.All(file.Where(l => l.Valid), l => Assert.True(!l.Line.Partial && l.Line.Content.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') < 0 && l.Line.Bytes[^1] != '\r'));

        var registry = new CountingRegistry();
        using var decoder = new LineDecoder(format, MaxLogSize, new FieldExtractor(new ExtractOptions()), new ReceiverTelemetry(registry, new ComponentId("filelog", "fuzz")));
        using var chunk = new RawLogChunk(new Resource(), 256, 4);
        byte[] bytes = [.. file.SelectMany(l => l.Line.Bytes.Append((byte)'\n'))];

        int used = decoder.Decode(bytes, chunk, 1);
        decoder.Flush(bytes.AsSpan(used), chunk, 1);

        var valid = file.Where(l => l.Valid).Select(l => l.Line).ToList();
        var entries = chunk.Entries.ToArray();
        Assert.Equal(valid.Select(Expected), entries.Select(e => (Encoding.UTF8.GetString(chunk.Line(e)), e.TimeUnixNano, e.Stream)));
        Assert.Equal(file.Count(l => !l.Valid), registry.Total("agent_receiver_malformed_lines_total"));
        Assert.Equal(bytes.Length, decoder.Offset);
    }

    /// <summary>What the record of a valid line holds: its content with invalid UTF-8 replaced, cut at the maximum.</summary>
    private static (string Text, long Time, LogStream Stream) Expected(GeneratedLine line)
    {
        string text = Encoding.UTF8.GetString(line.Content);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        return (utf8.Length <= MaxLogSize ? text : Encoding.UTF8.GetString(Utf8Sanitizer.Truncate(utf8, MaxLogSize)), line.TimeUnixNano, line.Stream);
    }

    private static string Print((GeneratedLine Line, bool Valid)[] file) =>
        string.Join("\n", file.Select(l => (l.Valid ? "valid   " : "garbage ") + Convert.ToHexString(l.Line.Bytes)));
}
