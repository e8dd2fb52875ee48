using System.Text;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class DockerParserTests
{
    private const long Noon = 1_704_110_400_000_000_000; // 2024-01-01T12:00:00Z

    public static TheoryData<string, LogStream, bool, string> Valid => new()
    {
        { """{"log":"hello\n","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", LogStream.Stdout, false, "hello" },
        { """{"log":"part","stream":"stderr","time":"2024-01-01T12:00:00Z"}""", LogStream.Stderr, true, "part" },
        { """{"time":"2024-01-01T12:00:00Z","stream":"stdout","log":"keys in any order\n"}""", LogStream.Stdout, false, "keys in any order" },
        { """{"log":"tab\tquote\" slash\\ \u00e9 \ud83d\ude00\r\n","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", LogStream.Stdout, false, "tab\tquote\" slash\\ é 😀" },
        { """{"log":"\n","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", LogStream.Stdout, false, string.Empty },
        { """{"log":"x\n","stream":"stdout","attrs":{"tag":"a","n":[1,2]},"time":"2024-01-01T12:00:00Z"}""", LogStream.Stdout, false, "x" },
        { """ { "log" : "spaced\n" , "stream" : "stdout" , "time" : "2024-01-01T12:00:00Z" } """, LogStream.Stdout, false, "spaced" },
    };

    public static TheoryData<string, string> Malformed => new()
    {
        { string.Empty, "empty_line" },
        { "plain text", "bad_json" },
        { """{"log":"x\n","stream":"stdout","time":"2024-01-01T12:00:00Z" """, "bad_json" },
        { """{"log":"x\n","stream":"stdout","time":"2024-01-01T12:00:00Z"} trailing""", "bad_json" },
        { """{"stream":"stdout","time":"2024-01-01T12:00:00Z"}""", "bad_json" },
        { """{"log":5,"stream":"stdout","time":"2024-01-01T12:00:00Z"}""", "bad_json" },
        { """{"log":"x\n","stream":"stdout","time":"yesterday"}""", "bad_timestamp" },
        { """{"log":"x\n","stream":"stdout"}""", "bad_timestamp" },
        { """{"log":"x\n","stream":"stdin","time":"2024-01-01T12:00:00Z"}""", "bad_stream" },
        { """{"log":"x\n","time":"2024-01-01T12:00:00Z"}""", "bad_stream" },
        { """{"log":"bad escape \q\n","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", "bad_json" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Decodes_the_log_text_stream_and_time(string line, LogStream stream, bool partial, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var destination = new byte[bytes.Length];
        Assert.Equal(MalformedReason.None, DockerParser.TryParse(bytes, destination, out var docker));
        Assert.Equal(Noon, docker.TimeUnixNano);
        Assert.Equal(stream, docker.Stream);
        Assert.Equal(partial, docker.Partial);
        Assert.Equal(content, Encoding.UTF8.GetString(destination, 0, docker.ContentLength));
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Names_why_a_line_is_malformed(string line, string reason)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.Equal(reason, DockerParser.TryParse(bytes, new byte[bytes.Length], out _).Label());
    }

    [Theory]
    [InlineData("""{"log":"plain\n","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", "plain", false)]
    [InlineData("""{"log":"esc \" \\ \/ \b\f\t \u00e9\u20ac \ud83d\ude00\n","stream":"stderr","time":"2024-01-01T12:00:00Z"}""", "esc \" \\ / \b\f\t é€ 😀", false)]
    [InlineData("""{"log":"lone \ud800 surrogate","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", "lone \uFFFD surrogate", true)]
    [InlineData("""{"log":"","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", "", true)]
    public void The_usual_shape_takes_the_fast_path_with_the_same_result(string line, string content, bool partial)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var fast = new byte[bytes.Length];
        var general = new byte[bytes.Length + 1];

        Assert.True(DockerFastPath.TryParse(bytes, fast, out var viaFast));
        Assert.Equal(content, Encoding.UTF8.GetString(fast, 0, viaFast.ContentLength));
        Assert.Equal(partial, viaFast.Partial);
        Assert.Equal(1_704_110_400_000_000_000, viaFast.TimeUnixNano);

        // The general reader refuses a lone surrogate escape; the fast path replaces it, as Go's encoder would have.
        if (!content.Contains('\uFFFD', StringComparison.Ordinal))
        {
            Assert.Equal(MalformedReason.None, DockerParser.TryParse([.. " "u8, .. bytes], general, out var viaGeneral));
            Assert.Equal((viaGeneral.TimeUnixNano, viaGeneral.Stream, viaGeneral.Partial), (viaFast.TimeUnixNano, viaFast.Stream, viaFast.Partial));
            Assert.Equal(content, Encoding.UTF8.GetString(general, 0, viaGeneral.ContentLength));
        }
    }

    [Theory]
    [InlineData("""{"log":"x\n","stream":"stdout","time":"2024-01-01T12:00:00Z","attrs":{"a":"b"}}""")]
    [InlineData("""{"log":"bad \q escape","stream":"stdout","time":"2024-01-01T12:00:00Z"}""")]
    [InlineData("""{"log":"x\n","stream":"stdin","time":"2024-01-01T12:00:00Z"}""")]
    [InlineData("""{"log":"unterminated""")]
    public void Anything_unusual_is_left_to_the_general_path(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.False(DockerFastPath.TryParse(bytes, new byte[bytes.Length], out _));
    }

    [Theory]
    [InlineData("2024-01-01T12:00:00Z stdout F hi", LogFormat.Cri)]
    [InlineData("""{"log":"hi\n","stream":"stdout","time":"2024-01-01T12:00:00Z"}""", LogFormat.Docker)]
    [InlineData("""{"level":"info","msg":"an app's own JSON"}""", LogFormat.Plain)]
    [InlineData("I0101 12:00:00.000000 1 main.go:1] klog line", LogFormat.Plain)]
    [InlineData("", LogFormat.Auto)]
    public void Detects_the_format_from_the_first_line(string line, LogFormat expected)
    {
        Assert.Equal(expected, FormatDetector.Detect(Encoding.UTF8.GetBytes(line)));
    }
}
