using System.Globalization;
using System.Text;

namespace Agent.Benchmarks.PodLogs;

/// <summary>Test data: CRI and docker lines of 188 bytes (the size Fluent Bit's and our load figures use).</summary>
internal static class PodLogLines
{
    public const int LineSize = 188;

    /// <summary>A CRI line of exactly 188 bytes including its newline: logfmt content with a level and a trace id.</summary>
    public static string Cri(int i)
    {
        string head = $"2024-01-01T12:{i / 60 % 60:D2}:{i % 60:D2}.{i % 1_000_000_000:D9}Z stdout F ";
        string content = $"level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg=\"GET /api/items/{i % 100000:D5} 200\" took=1.2ms n={i}";
        return Pad(head + content, LineSize - 1) + "\n";
    }

    /// <summary>A docker json-file line carrying the same kind of text, padded to 188 bytes.</summary>
    public static string Docker(int i)
    {
        string text = $"level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg=\\\"GET /api/items/{i % 100000:D5} 200\\\" n={i}";
        string tail = $"\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T12:00:00.{i % 1_000_000_000:D9}Z\"}}";
        string head = "{\"log\":\"";
        return head + Pad(text, LineSize - 1 - head.Length - tail.Length) + tail + "\n";
    }

    public static byte[] Block(Func<int, string> line, int count)
    {
        var text = new StringBuilder(count * LineSize);
        for (int i = 0; i < count; i++)
        {
            text.Append(line(i));
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Pad(string text, int length) =>
        text.Length >= length ? text[..length] : text + new string('.', length - text.Length).ToString(CultureInfo.InvariantCulture);
}
