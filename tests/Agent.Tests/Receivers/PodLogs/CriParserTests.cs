using System.Text;
using Agent.Core.Model;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class CriParserTests
{
    private const long Noon = 1_704_110_400_000_000_000; // 2024-01-01T12:00:00Z

    public static TheoryData<string, long, LogStream, bool, string> Valid => new()
    {
        { "2024-01-01T12:00:00.000000001Z stdout F hello world", Noon + 1, LogStream.Stdout, false, "hello world" },
        { "2024-01-01T12:00:00Z stderr P part one ", Noon, LogStream.Stderr, true, "part one " },
        { "2024-01-01T14:00:00.25+02:00 stdout F x", Noon + 250_000_000, LogStream.Stdout, false, "x" },
        { "2024-01-01T12:00:00Z stdout F ", Noon, LogStream.Stdout, false, string.Empty },
        { "2024-01-01T12:00:00Z stdout F", Noon, LogStream.Stdout, false, string.Empty },
        { "2024-01-01T12:00:00Z stdout F:extra  two spaces", Noon, LogStream.Stdout, false, " two spaces" },
        { "2024-01-01T12:00:00Z stdout F {\"level\":\"info\"}", Noon, LogStream.Stdout, false, "{\"level\":\"info\"}" },
    };

    public static TheoryData<string, string> Malformed => new()
    {
        { string.Empty, "empty_line" },
        { "hello world", "bad_timestamp" },
        { "2024-01-01T12:00:00Z", "bad_timestamp" },
        { "2024-13-01T12:00:00Z stdout F x", "bad_timestamp" },
        { "2024-01-01T12:00:00Z stdin F x", "bad_stream" },
        { "2024-01-01T12:00:00Z stdout", "bad_stream" },
        { "2024-01-01T12:00:00Z stdout X x", "bad_flag" },
        { "2024-01-01T12:00:00Z stdout  x", "bad_flag" },
        { "2024-01-01T12:00:00Z stdout PF x", "bad_flag" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Splits_a_line_into_time_stream_flag_and_content(string line, long time, LogStream stream, bool partial, string content)
    {
        Assert.Equal(MalformedReason.None, CriParser.TryParse(Encoding.UTF8.GetBytes(line), out var cri));
        Assert.Equal(time, cri.TimeUnixNano);
        Assert.Equal(stream, cri.Stream);
        Assert.Equal(partial, cri.Partial);
        Assert.Equal(content, Encoding.UTF8.GetString(cri.Content));
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Names_why_a_line_is_malformed(string line, string reason)
    {
        Assert.Equal(reason, CriParser.TryParse(Encoding.UTF8.GetBytes(line), out _).Label());
    }
}
