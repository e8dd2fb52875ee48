using System.Text;
using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class LineSplitterTests
{
    [Theory]
    [InlineData("2024-01-01T12:00:00Z stdout F hello\n")]
    [InlineData("{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T12:00:00Z\"}\n")]
    [InlineData("crlf line\r\n")]
    [InlineData("\n")]
    public void Every_prefix_without_the_newline_needs_more_data_and_consumes_nothing(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(LineSplitter.TryReadLine(bytes.AsSpan(0, length), out _, out int consumed));
            Assert.Equal(0, consumed);
        }

        Assert.True(LineSplitter.TryReadLine(bytes, out var line, out int all));
        Assert.Equal(bytes.Length, all);
        Assert.Equal(text.TrimEnd('\n').TrimEnd('\r'), Encoding.UTF8.GetString(line));
    }

    [Fact]
    public void Takes_one_line_at_a_time_and_drops_only_one_carriage_return()
    {
        var bytes = "a\r\r\n\nb\nrest"u8.ToArray();
        var lines = new List<string>();
        int position = 0;
        while (LineSplitter.TryReadLine(bytes.AsSpan(position), out var line, out int consumed))
        {
            lines.Add(Encoding.UTF8.GetString(line));
            position += consumed;
        }

        Assert.Equal(["a\r", string.Empty, "b"], lines);
        Assert.Equal("rest", Encoding.UTF8.GetString(bytes.AsSpan(position)));
    }
}
