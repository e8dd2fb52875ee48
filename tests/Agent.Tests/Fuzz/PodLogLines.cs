using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Agent.Core.Model;
using CsCheck;

namespace Agent.Tests.Fuzz;

/// <summary>A valid CRI or docker line as a generator builds it, with what a parser must find in it.</summary>
internal sealed record GeneratedLine(byte[] Bytes, long TimeUnixNano, LogStream Stream, bool Partial, byte[] Content)
{
    public override string ToString() => Encoding.UTF8.GetString(Bytes);
}

/// <summary>Generators of valid runtime log lines: times in every RFC 3339 spelling, odd content, both streams.</summary>
internal static class PodLogLines
{
    /// <summary>An RFC 3339 time between 1970 and 2262 (what fits in int64 nanoseconds), with its exact value.</summary>
    public static Gen<(string Text, long UnixNano)> Time { get; } = Gen.Select(
        Gen.Long[0, 9_200_000_000_000_000_000], Gen.Int[0, 9], Gen.Int[-14 * 60, 14 * 60], Gen.Bool, Gen.Bool)
        .Select((nanos, digits, offsetMinutes, zulu, lowerCase) =>
        {
            long seconds = nanos / 1_000_000_000;
            long fraction = nanos % 1_000_000_000;
            long kept = fraction - (fraction % (long)Math.Pow(10, 9 - digits));
            var offset = zulu ? TimeSpan.Zero : TimeSpan.FromMinutes(offsetMinutes);
            var local = DateTimeOffset.FromUnixTimeSeconds(seconds).ToOffset(offset);
            string zone = zulu ? "Z" : local.ToString("zzz", CultureInfo.InvariantCulture);
            string text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) +
                (digits > 0 ? "." + kept.ToString("D9", CultureInfo.InvariantCulture)[..digits] : string.Empty) + zone;
            return (lowerCase ? text.ToLowerInvariant() : text, (seconds * 1_000_000_000) + kept);
        });

    public static Gen<LogStream> Stream { get; } = Gen.OneOf(LogStream.Stdout, LogStream.Stderr);

    /// <summary>Content bytes of a CRI line: anything but a newline, invalid UTF-8 included.</summary>
    public static Gen<byte[]> CriContent { get; } = Gen.Frequency(
        (3, Gen.Byte[32, 126]), (1, Gen.Byte.Where(b => b != '\n')), (1, Gen.OneOf(" \t\r:PF{}\"\\"u8.ToArray())))
        .Array[0, 200];

    /// <summary>Text of any Unicode scalar, biased to ASCII, quotes, backslashes, controls and characters outside the BMP.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
            (6, Gen.Int[32, 126]),
            (2, Gen.OneOf((int)'"', '\\', '\n', '\r', '\t', '\b', '\f', 0, 0x1F, 0x7F, '/', '<', '&')),
            (1, Gen.Int[0x80, 0xD7FF]),
            (1, Gen.Int[0xE000, 0xFFFF]),
            (1, Gen.Int[0x10000, 0x10FFFF]))
        .Select(scalar => new Rune(scalar).ToString())
        .Array[0, 120]
        .Select(parts => string.Concat(parts));

    public static Gen<GeneratedLine> Cri { get; } = CriLines(Gen.Bool, CriContent);

    /// <summary>
    /// CRI lines that stand alone (full, no partial flag) and whose content survives line splitting (no CR), made so
    /// rather than filtered: a filter that refuses nine draws in ten fails the generator now and then.
    /// </summary>
    public static Gen<GeneratedLine> WholeCri { get; } = CriLines(Gen.Const(false), CriContent.Select(content => content.Where(b => b != '\r').ToArray()));

    /// <summary>A docker json-file line: the daemon's key order or another one, escaped as Go or as System.Text.Json writes.</summary>
    public static Gen<GeneratedLine> Docker { get; } = DockerLines(Text, Gen.Int[0, 3]);

    /// <summary>Docker lines that end with a newline and hold no other CR or LF, made so rather than filtered (see <see cref="WholeCri"/>).</summary>
    public static Gen<GeneratedLine> WholeDocker { get; } = DockerLines(Text.Select(text => text.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal)), Gen.Int[0, 1]);

    private static Gen<GeneratedLine> CriLines(Gen<bool> partialFlag, Gen<byte[]> contents) => Gen.Select(Time, Stream, partialFlag, contents, Gen.Int[0, 2])
        .Select((time, stream, partial, content, tagStyle) =>
        {
            string flag = partial ? "P" : "F";
            string tags = tagStyle == 1 ? flag + ":x=y" : flag;
            string head = $"{time.Text} {(stream == LogStream.Stdout ? "stdout" : "stderr")} {tags}";

            // An empty content may come without the space before it.
            byte[] line = content.Length == 0 && tagStyle == 2
                ? Encoding.ASCII.GetBytes(head)
                : [.. Encoding.ASCII.GetBytes(head + " "), .. content];
            return new GeneratedLine(line, time.UnixNano, stream, partial, content);
        });

    /// <param name="endings">0: LF, 1: CRLF, 2 and 3: none (a partial line).</param>
    private static Gen<GeneratedLine> DockerLines(Gen<string> texts, Gen<int> endings) => Gen.Select(Time, Stream, texts, endings, Gen.Bool, Gen.Bool)
        .Select((time, stream, text, ending, shuffled, asciiOnly) =>
        {
            string log = text + ending switch { 0 => "\n", 1 => "\r\n", _ => string.Empty };
            var options = new JsonSerializerOptions { Encoder = asciiOnly ? JavaScriptEncoder.Default : JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            string logJson = JsonSerializer.Serialize(log, options);
            string streamName = stream == LogStream.Stdout ? "stdout" : "stderr";
            string json = shuffled
                ? $"{{ \"time\": \"{time.Text}\", \"attrs\": {{\"tag\": [1, \"a\"]}}, \"stream\":\"{streamName}\",\"log\": {logJson} }}"
                : $"{{\"log\":{logJson},\"stream\":\"{streamName}\",\"time\":\"{time.Text}\"}}";
            bool partial = !log.EndsWith('\n');
            string content = partial ? log : log.EndsWith("\r\n", StringComparison.Ordinal) ? log[..^2] : log[..^1];
            return new GeneratedLine(Encoding.UTF8.GetBytes(json), time.UnixNano, stream, partial, Encoding.UTF8.GetBytes(content));
        });
}
