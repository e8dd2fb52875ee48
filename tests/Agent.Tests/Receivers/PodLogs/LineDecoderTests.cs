using System.Text;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Receivers.PodLogs;

public class LineDecoderTests
{
    private const long Now = 1_800_000_000_000_000_000;
    private const long Noon = 1_704_110_400_000_000_000; // 2024-01-01T12:00:00Z

    [Fact]
    public void Joins_cri_partial_lines_per_stream_and_keeps_other_streams_flowing()
    {
        var lines = DecodeAll(
            LogFormat.Cri,
            "2024-01-01T12:00:00.000000001Z stdout P first \n" +
            "2024-01-01T12:00:00.000000002Z stderr F an error\n" +
            "2024-01-01T12:00:00.000000003Z stdout P second \n" +
            "2024-01-01T12:00:00.000000004Z stdout F third\n" +
            "2024-01-01T12:00:00.000000005Z stdout F alone\n");

        Assert.Equal(
            [
                ("an error", LogStream.Stderr, Noon + 2),
                ("first second third", LogStream.Stdout, Noon + 1),
                ("alone", LogStream.Stdout, Noon + 5),
            ],
            lines.Select(l => (l.Text, l.Stream, l.Time)));
    }

    [Fact]
    public void Joins_docker_lines_without_a_final_newline()
    {
        var lines = DecodeAll(LogFormat.Docker, """
            {"log":"one ","stream":"stdout","time":"2024-01-01T12:00:00Z"}
            {"log":"err\n","stream":"stderr","time":"2024-01-01T12:00:01Z"}
            {"log":"two\n","stream":"stdout","time":"2024-01-01T12:00:02Z"}

            """);

        Assert.Equal([("err", LogStream.Stderr, Noon + 1_000_000_000), ("one two", LogStream.Stdout, Noon)], lines.Select(l => (l.Text, l.Stream, l.Time)));
    }

    [Fact]
    public void Cuts_joined_lines_at_the_maximum_and_flags_them()
    {
        string part = new('a', 700);
        string input = $"2024-01-01T12:00:00Z stdout P {part}\n2024-01-01T12:00:00Z stdout P {part}\n2024-01-01T12:00:00Z stdout F {part}\n2024-01-01T12:00:00Z stdout F next\n";
        double before = SelfMetrics.TruncatedLineValue("filelog/decoder");
        var lines = DecodeAll(LogFormat.Cri, input, maxLogSize: 1024);

        Assert.Equal(2, lines.Count);
        Assert.Equal(new string('a', 1024), lines[0].Text);
        Assert.True(lines[0].Truncated);
        Assert.Equal("next", lines[1].Text);
        Assert.False(lines[1].Truncated);
        Assert.Equal(before + 1, SelfMetrics.TruncatedLineValue("filelog/decoder"));
    }

    [Fact]
    public void Cuts_a_single_long_line_on_a_character_boundary()
    {
        string text = new string('a', 1023) + "é and more";
        var lines = DecodeAll(LogFormat.Plain, text + "\n", maxLogSize: 1024);

        Assert.Equal(new string('a', 1023), lines[0].Text);
        Assert.True(lines[0].Truncated);
    }

    [Fact]
    public void Replaces_invalid_utf8_and_keeps_a_character_split_between_parts()
    {
        var input = new List<byte>();
        input.AddRange("2024-01-01T12:00:00Z stdout F bad "u8.ToArray());
        input.AddRange(new byte[] { 0xFF, 0xC3 });
        input.AddRange(" end\n2024-01-01T12:00:00Z stdout P caf"u8.ToArray());
        input.Add(0xC3);
        input.AddRange("\n2024-01-01T12:00:00Z stdout F "u8.ToArray());
        input.Add(0xA9);
        input.AddRange("!\n"u8.ToArray());

        var lines = DecodeAll(LogFormat.Cri, input.ToArray());

        Assert.Equal(["bad \uFFFD\uFFFD end", "café!"], lines.Select(l => l.Text));
    }

    [Fact]
    public void Skips_and_counts_malformed_lines_and_goes_on()
    {
        double before = SelfMetrics.MalformedLineValue("filelog/decoder", "bad_stream");
        double allBefore = AllMalformed();
        var decoder = NewDecoder(LogFormat.Cri);
        var lines = Decode(decoder, Encoding.UTF8.GetBytes("""
            2024-01-01T12:00:00Z stdout F ok 1
            2024-01-01T12:00:00Z stdin F wrong stream
            not a cri line at all

            2024-01-01T12:00:00Z stdout F ok 2

            """), 1 << 20);

        Assert.Equal(["ok 1", "ok 2"], lines.Select(l => l.Text));
        Assert.Equal(allBefore + 3, AllMalformed());
        Assert.Equal(before + 1, SelfMetrics.MalformedLineValue("filelog/decoder", "bad_stream"));
    }

    [Fact]
    public void Drops_the_carriage_return_of_crlf_lines()
    {
        Assert.Equal(["windows", "also"], DecodeAll(LogFormat.Cri, "2024-01-01T12:00:00Z stdout F windows\r\n2024-01-01T12:00:00Z stdout F also\r\n").Select(l => l.Text));
        Assert.Equal(["plain", string.Empty], DecodeAll(LogFormat.Plain, "plain\r\n\r\n").Select(l => l.Text));
    }

    [Fact]
    public void Plain_lines_take_the_read_time_and_no_stream()
    {
        var line = Assert.Single(DecodeAll(LogFormat.Plain, "just text\n"));
        Assert.Equal(("just text", LogStream.Unknown, Now), (line.Text, line.Stream, line.Time));
    }

    [Fact]
    public void An_unterminated_last_line_waits_for_its_newline_or_the_end_of_the_file()
    {
        var decoder = NewDecoder(LogFormat.Cri);
        using var chunk = NewChunk();
        var bytes = "2024-01-01T12:00:00Z stdout F done\n2024-01-01T12:00:00Z stdout F unfinish"u8.ToArray();
        int used = decoder.Decode(bytes, chunk, Now);

        Assert.Equal(1, chunk.Count);
        Assert.Equal(35, used);
        Assert.Equal(35, decoder.Position.Offset);

        decoder.Flush(bytes.AsSpan(used), chunk, Now);
        Assert.Equal(["done", "unfinish"], Texts(chunk));
        Assert.Equal(bytes.Length, decoder.Position.Offset);
    }

    [Fact]
    public void A_partial_line_whose_end_never_came_is_emitted_when_the_file_ends()
    {
        var decoder = NewDecoder(LogFormat.Cri);
        using var chunk = NewChunk();
        var bytes = "2024-01-01T12:00:00Z stdout P beginning \n2024-01-01T12:00:00Z stderr F other\n"u8.ToArray();
        decoder.Decode(bytes, chunk, Now);

        Assert.Equal(["other"], Texts(chunk));
        Assert.Equal(new TailPosition(bytes.Length, 0, -1), decoder.Position);

        decoder.Flush(default, chunk, Now);
        Assert.Equal(["other", "beginning "], Texts(chunk));
        Assert.Equal(new TailPosition(bytes.Length), decoder.Position);
    }

    [Fact]
    public void Resuming_at_a_position_rebuilds_the_pending_line_without_repeating_others()
    {
        var file = Encoding.UTF8.GetBytes("""
            2024-01-01T12:00:00Z stdout P a
            2024-01-01T12:00:00Z stderr F x
            2024-01-01T12:00:00Z stdout F b
            2024-01-01T12:00:00Z stdout F c

            """);
        int firstTwo = Encoding.UTF8.GetByteCount("2024-01-01T12:00:00Z stdout P a\n2024-01-01T12:00:00Z stderr F x\n");
        var first = NewDecoder(LogFormat.Cri);
        using var firstChunk = NewChunk();
        first.Decode(file.AsSpan(0, firstTwo), firstChunk, Now);
        var position = first.Position;
        Assert.Equal(["x"], Texts(firstChunk));
        Assert.Equal(new TailPosition(firstTwo, 0, -1), position);

        var resumed = NewDecoder(LogFormat.Cri);
        resumed.Reset(position);
        using var chunk = NewChunk();
        Assert.Equal(0, position.ReadFrom);
        resumed.Decode(file.AsSpan((int)position.ReadFrom), chunk, Now);

        Assert.Equal(["ab", "c"], Texts(chunk));
        Assert.Equal(new TailPosition(file.Length), resumed.Position);
    }

    [Fact]
    public void While_rebuilding_the_position_stays_the_resume_point()
    {
        var decoder = NewDecoder(LogFormat.Cri);
        var resume = new TailPosition(64, 0, -1);
        decoder.Reset(resume);
        using var chunk = NewChunk();
        decoder.Decode("2024-01-01T12:00:00Z stdout P a\n"u8, chunk, Now);

        Assert.Equal(resume, decoder.Position);
    }

    [Fact]
    public void Any_split_of_the_input_between_reads_gives_the_same_records()
    {
        var input = Encoding.UTF8.GetBytes("""
            2024-01-01T12:00:00Z stdout P é
            2024-01-01T12:00:00Z stderr F {"level":"warn","trace_id":"0123456789abcdef0123456789abcdef"}
            2024-01-01T12:00:00Z stdout F è

            """);
        var whole = DecodeAll(LogFormat.Auto, input);
        Assert.Equal(["{\"level\":\"warn\",\"trace_id\":\"0123456789abcdef0123456789abcdef\"}", "éè"], whole.Select(l => l.Text));

        for (int cut = 1; cut < input.Length; cut++)
        {
            var decoder = NewDecoder(LogFormat.Auto);
            using var chunk = NewChunk();
            var pending = new List<byte>(input[..cut]);
            int used = decoder.Decode(pending.ToArray(), chunk, Now);
            pending.RemoveRange(0, used);
            pending.AddRange(input[cut..]);
            decoder.Decode(pending.ToArray(), chunk, Now);

            Assert.Equal(whole.Select(l => l.Text), Texts(chunk));
            Assert.Equal(input.Length, decoder.Position.Offset);
        }
    }

    [Fact]
    public void Finds_fields_and_maps_the_level_to_a_severity()
    {
        var decoder = NewDecoder(LogFormat.Cri);
        using var chunk = NewChunk();
        decoder.Decode("2024-01-01T12:00:00Z stdout F level=error span_id=0123456789abcdef msg=\"x\"\n"u8, chunk, Now);

        var entry = chunk.Entries[0];
        Assert.Equal("error", Encoding.UTF8.GetString(chunk.Field(entry.LevelOffset, entry.LevelLength)));
        Assert.Equal(17, entry.SeverityNumber);
        Assert.Equal("0123456789abcdef", Encoding.UTF8.GetString(chunk.Field(entry.SpanIdOffset, entry.SpanIdLength)));
        Assert.Equal(-1, entry.TraceIdOffset);
    }

    [Fact]
    public void An_overlong_line_keeps_its_head_and_drops_the_rest_up_to_its_newline()
    {
        var decoder = NewDecoder(LogFormat.Cri, maxLogSize: 1024);
        using var chunk = NewChunk();
        var head = Encoding.UTF8.GetBytes("2024-01-01T12:00:00Z stdout F " + new string('x', 2000));
        decoder.DecodeOverlong(head, chunk, Now);
        int used = decoder.Decode("yyyy\n2024-01-01T12:00:00Z stdout F after\n"u8, chunk, Now);

        Assert.Equal([new string('x', 1024), "after"], Texts(chunk));
        Assert.True(chunk.Entries[0].Truncated);
        Assert.Equal(head.Length + used, decoder.Position.Offset);
    }

    internal static List<(string Text, LogStream Stream, long Time, bool Truncated)> DecodeAll(LogFormat format, string input, int maxLogSize = 1 << 20) =>
        DecodeAll(format, Encoding.UTF8.GetBytes(input), maxLogSize);

    private static List<(string Text, LogStream Stream, long Time, bool Truncated)> DecodeAll(LogFormat format, byte[] input, int maxLogSize = 1 << 20) =>
        Decode(NewDecoder(format, maxLogSize), input, maxLogSize);

    private static List<(string Text, LogStream Stream, long Time, bool Truncated)> Decode(LineDecoder decoder, byte[] input, int maxLogSize)
    {
        _ = maxLogSize;
        using var chunk = NewChunk();
        int used = decoder.Decode(input, chunk, Now);
        Assert.Equal(input.Length, used);
        return chunk.Entries.ToArray().Select(e => (Encoding.UTF8.GetString(chunk.Line(e)), e.Stream, e.TimeUnixNano, e.Truncated)).ToList();
    }

    private static LineDecoder NewDecoder(LogFormat format, int maxLogSize = 1 << 20) =>
        new(format, maxLogSize, new FieldExtractor(new ExtractOptions()), new Agent.Core.Telemetry.ReceiverTelemetry(SelfMetrics.Registry, new Agent.Core.Components.ComponentId("filelog", "decoder")));

    /// <summary>Malformed lines of the decoders of this class, whatever the reason.</summary>
    private static double AllMalformed() =>
        Enum.GetValues<MalformedReason>().Where(r => r != MalformedReason.None).Sum(r => SelfMetrics.MalformedLineValue("filelog/decoder", r.Label()));

    private static RawLogChunk NewChunk() => new(new Resource(), 1024, 4);

    private static List<string> Texts(RawLogChunk chunk) => chunk.Entries.ToArray().Select(e => Encoding.UTF8.GetString(chunk.Line(e))).ToList();
}
