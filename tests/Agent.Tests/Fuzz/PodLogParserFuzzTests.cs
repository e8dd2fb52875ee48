using System.Text;
using System.Text.Unicode;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using CsCheck;

namespace Agent.Tests.Fuzz;

/// <summary>The CRI and docker line parsers and their helpers, over arbitrary bytes and over lines a generator built.</summary>
public class PodLogParserFuzzTests
{
    private static readonly Gen<byte[]> AnyLine = Gen.Frequency(
        (2, Fuzzing.Bytes(160)),
        (1, Fuzzing.Mutated(
            "2024-01-01T12:00:00.123456789Z stdout F hello"u8.ToArray(),
            "2024-02-29T23:59:60+14:00 stderr P:x part"u8.ToArray(),
            "{\"log\":\"caf\\u00e9 \\ud83d\\ude00\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T12:00:00Z\"}"u8.ToArray(),
            "{\"time\":\"2024-01-01T12:00:00Z\",\"attrs\":{},\"stream\":\"stderr\",\"log\":\"x\"}"u8.ToArray())));

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Cri_parser_never_throws_and_a_parsed_line_is_a_slice_of_it() =>
        Fuzzing.RunAsync(AnyLine, line =>
        {
            var reason = CriParser.TryParse(line, out var cri);
            if (reason == MalformedReason.None)
            {
                Assert.True(cri.Content.IsEmpty || line.AsSpan().Overlaps(cri.Content));
            }
            else
            {
                Assert.True(cri.Content.IsEmpty);
            }
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Cri_lines_round_trip_time_stream_flag_and_content() =>
        Fuzzing.RunAsync(PodLogLines.Cri, generated =>
        {
            Assert.Equal(MalformedReason.None, CriParser.TryParse(generated.Bytes, out var cri));
            Assert.Equal(generated.TimeUnixNano, cri.TimeUnixNano);
            Assert.Equal(generated.Stream, cri.Stream);
            Assert.Equal(generated.Partial, cri.Partial);
            Assert.Equal(generated.Content, cri.Content.ToArray());
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Docker_parser_never_throws_and_writes_within_the_line_length() =>
        Fuzzing.RunAsync(AnyLine, line =>
        {
            // The parser is promised a destination as long as the line; a guard past it shows any overrun.
            byte[] destination = new byte[line.Length + 8];
            var reason = DockerParser.TryParse(line, destination.AsSpan(0, line.Length), out var docker);
            Assert.Equal(new byte[8], destination[line.Length..]);
            if (reason == MalformedReason.None)
            {
                Assert.InRange(docker.ContentLength, 0, line.Length);
                Assert.NotEqual(LogStream.Unknown, docker.Stream);
            }
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Docker_lines_round_trip_time_stream_partial_and_text() =>
        Fuzzing.RunAsync(PodLogLines.Docker, generated =>
        {
            byte[] destination = new byte[generated.Bytes.Length];
            Assert.Equal(MalformedReason.None, DockerParser.TryParse(generated.Bytes, destination, out var docker));
            Assert.Equal(generated.TimeUnixNano, docker.TimeUnixNano);
            Assert.Equal(generated.Stream, docker.Stream);
            Assert.Equal(generated.Partial, docker.Partial);
            Assert.Equal(generated.Content, destination[..docker.ContentLength]);
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Rfc3339_reads_every_spelling_of_a_time_and_never_throws_on_bytes() =>
        Fuzzing.RunAsync(Gen.Select(PodLogLines.Time, Fuzzing.Bytes(40)), (time, garbage) =>
        {
            Assert.True(Rfc3339.TryParse(Encoding.ASCII.GetBytes(time.Text), out long nanos), time.Text);
            Assert.Equal(time.UnixNano, nanos);
            if (Rfc3339.TryParse(garbage, out _))
            {
                Assert.True(garbage.Length >= 20);
            }
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Rfc3339_reads_a_time_of_any_year_or_refuses_one_that_int64_nanoseconds_cannot_hold() =>
        Fuzzing.RunAsync(Gen.Select(Gen.DateTime, Gen.Int[0, 999_999_999], Gen.Int[-23 * 60, 23 * 60]), (time, nanos, offsetMinutes) =>
        {
            var offset = TimeSpan.FromMinutes(offsetMinutes);
            var local = new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Unspecified).Date.Add(time.TimeOfDay - TimeSpan.FromTicks(time.Ticks % TimeSpan.TicksPerSecond)), TimeSpan.Zero);
            string text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "." + nanos.ToString("D9", System.Globalization.CultureInfo.InvariantCulture) + (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", System.Globalization.CultureInfo.InvariantCulture);
            Int128 expected = ((Int128)(local.ToUnixTimeSeconds() - (long)offset.TotalSeconds) * 1_000_000_000) + nanos;

            bool parsed = Rfc3339.TryParse(Encoding.ASCII.GetBytes(text), out long unixNanos);

            Assert.Equal(expected >= long.MinValue && expected <= long.MaxValue, parsed);
            if (parsed)
            {
                Assert.Equal(expected, (Int128)unixNanos);
            }
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Line_splitter_cuts_at_every_newline_and_keeps_the_unterminated_rest() =>
        Fuzzing.RunAsync(Fuzzing.Bytes(300), buffer =>
        {
            var rebuilt = new List<byte>();
            int at = 0;
            while (LineSplitter.TryReadLine(buffer.AsSpan(at), out var line, out int consumed))
            {
                Assert.Equal(-1, line.IndexOf((byte)'\n'));
                var raw = buffer.AsSpan(at, consumed - 1);
                Assert.True(line.SequenceEqual(raw) || (raw[^1] == '\r' && line.SequenceEqual(raw[..^1])));
                rebuilt.AddRange(buffer.AsSpan(at, consumed).ToArray());
                at += consumed;
            }

            Assert.Equal(-1, buffer.AsSpan(at).IndexOf((byte)'\n'));
            Assert.Equal(buffer[..at], rebuilt.ToArray());
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Utf8_sanitizer_replaces_as_the_runtime_decoder_does_and_truncates_on_a_character_boundary() =>
        Fuzzing.RunAsync(Gen.Select(Fuzzing.Bytes(120), Gen.Int[0, 130]), (bytes, max) =>
        {
            byte[] output = new byte[Utf8Sanitizer.MaxOutput(bytes.Length)];
            int written = Utf8Sanitizer.CopyReplacing(bytes, output);
            Assert.Equal(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes)), output[..written]);

            var cut = Utf8Sanitizer.Truncate(output.AsSpan(0, written), max);
            Assert.True(cut.Length <= max && cut.Length >= Math.Min(max, written) - 3);
            Assert.True(Utf8.IsValid(cut));
        }, Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Partial_line_joiner_joins_parts_up_to_the_maximum_and_flags_the_cut() =>
        Fuzzing.RunAsync(Gen.Select(PodLogLines.Text.Array[1, 6], Gen.Int[0, 300]), (parts, max) =>
        {
            using var joiner = new PartialLineJoiner(max);
            long time = 0;
            foreach (string part in parts)
            {
                joiner.Append(LogStream.Stderr, ++time, time * 10, Encoding.UTF8.GetBytes(part));
            }

            byte[] all = Encoding.UTF8.GetBytes(string.Concat(parts));
            var joined = joiner.Take(LogStream.Stderr, out long first, out bool truncated);
            Assert.Equal(10, first);
            Assert.Equal(all.Length > max, truncated);
            Assert.True(joined.Length <= max && all.AsSpan().StartsWith(joined));
            Assert.True(Utf8.IsValid(joined));
            Assert.False(joiner.IsPending(LogStream.Stderr));
        }, Fuzzing.Cheap);
}
