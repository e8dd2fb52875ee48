using System.Text;
using Agent.Receivers.Prometheus.Exposition;

namespace Agent.Tests.Receivers.Prometheus;

public class ExpositionReaderTests
{
    /// <summary>One line as read: its kind, error, name, labels as name=value, value and timestamp.</summary>
    private sealed record Read(LineKind Kind, LineError Error, string Name, string Labels, double Value, long? Timestamp, string Text);

    private static List<Read> ReadAll(string text, ExpositionFormat format) => ReadAll(Encoding.UTF8.GetBytes(text), format);

    private static List<Read> ReadAll(byte[] bytes, ExpositionFormat format)
    {
        var lines = new List<Read>();
        Span<LabelSpan> scratch = stackalloc LabelSpan[8];
        var reader = new ExpositionReader(bytes, format, scratch);
        while (reader.Read())
        {
            string labels = string.Join(",", reader.Labels.ToArray().Select(l =>
                Encoding.UTF8.GetString(bytes, l.NameStart, l.NameLength) + "=" + SampleValues.Unescape(bytes.AsSpan(l.ValueStart, l.ValueLength))));
            bool named = reader.Kind is LineKind.Sample or LineKind.Type or LineKind.Help or LineKind.Unit;
            lines.Add(new Read(
                reader.Kind,
                reader.Error,
                named ? Encoding.UTF8.GetString(reader.Name) : "",
                labels,
                reader.Kind == LineKind.Sample ? reader.Value : 0,
                reader.Kind == LineKind.Sample && reader.HasTimestamp ? reader.TimestampMs : null,
                reader.Kind is LineKind.Type or LineKind.Help or LineKind.Unit ? Encoding.UTF8.GetString(reader.Text) : ""));
        }

        return lines;
    }

    public static TheoryData<string, string> ValidTextLines => new()
    {
        { "up 1", "Sample||up||1|" },
        { "up 1 1700000000123", "Sample||up||1|1700000000123" },
        { "x{a=\"b\",c=\"d\"} 2.5", "Sample||x|a=b,c=d|2.5|" },
        { "x{a=\"b\",} 2", "Sample||x|a=b|2|" },
        { "x { a = \"b\" } 2", "Sample||x|a=b|2|" },
        { "x{a=\"q\\\"uote\\\\back\\nline\"} 3", "Sample||x|a=q\"uote\\back\nline|3|" },
        { "x{} 4", "Sample||x||4|" },
        { "ns:x_y 1e3", "Sample||ns:x_y||1000|" },
        { "x +Inf", "Sample||x||+Inf|" },
        { "x -Inf", "Sample||x||-Inf|" },
        { "x NaN", "Sample||x||NaN|" },
        { "   x 1", "Sample||x||1|" },
        { "x{a=\"ünï\"} 1", "Sample||x|a=ünï|1|" },
        { "# TYPE x counter", "Type||x|counter" },
        { "# HELP x Some \\n text", "Help||x|Some \\n text" },
        { "#TYPE x gauge", "Type||x|gauge" },
    };

    [Theory]
    [MemberData(nameof(ValidTextLines))]
    public void TextFormatLinesReadAsWritten(string line, string expected)
    {
        var read = Assert.Single(ReadAll(line + "\n", ExpositionFormat.Text));

        Assert.Equal(expected, Describe(read));
    }

    public static TheoryData<string, LineError> InvalidTextLines => new()
    {
        { "1x 1", LineError.BadMetricName },
        { "x{a=\"b\" 1", LineError.BadLabels },
        { "x{a=b} 1", LineError.BadLabels },
        { "x{1a=\"b\"} 1", LineError.BadLabels },
        { "x{a=\"b\",a=\"c\"} 1", LineError.BadLabels },
        { "x{a=\"b", LineError.BadLabels },
        { "x", LineError.BadValue },
        { "x ", LineError.BadValue },
        { "x one", LineError.BadValue },
        { "x 0x1p-2", LineError.BadValue },
        { "x 1 12.5", LineError.BadTimestamp },
        { "x 1 2 3", LineError.BadTimestamp },
        { "x 1 # {a=\"b\"} 1", LineError.BadTimestamp },
        { "# TYPE x nonsense", LineError.BadComment },
        { "# TYPE 1x counter", LineError.BadMetricName },
        { "x{a=\"b\",c=\"d\",e=\"f\",g=\"h\",i=\"j\",k=\"l\",m=\"n\",o=\"p\",q=\"r\"} 1", LineError.TooManyLabels },
    };

    [Theory]
    [MemberData(nameof(InvalidTextLines))]
    public void BadTextLinesAreReportedWithTheirReason(string line, LineError error)
    {
        var read = Assert.Single(ReadAll(line + "\n", ExpositionFormat.Text));

        Assert.Equal(LineKind.Invalid, read.Kind);
        Assert.Equal(error, read.Error);
    }

    [Fact]
    public void PlainCommentsAndBlankLinesAreSkippedInTheTextFormat()
    {
        var lines = ReadAll("# just a remark\n\n  \nup 1\n# another\n", ExpositionFormat.Text);

        Assert.Equal(["Sample||up||1|"], lines.Select(Describe));
    }

    [Fact]
    public void OpenMetricsReadsUnitsSecondTimestampsExemplarsAndEof()
    {
        const string text = """
            # TYPE req counter
            # UNIT req_seconds seconds
            # HELP req Requests.
            req_total{path="/"} 7 1700000000.5 # {trace_id="abc"} 1 1700000000.1
            req_created{path="/"} 1699999000.25
            lat_bucket{le="0.5"} 3 # {trace_id="x"} 0.2
            # EOF

            """;

        var lines = ReadAll(text, ExpositionFormat.OpenMetrics).Select(Describe).ToList();

        Assert.Equal(
            [
                "Type||req|counter",
                "Unit||req_seconds|seconds",
                "Help||req|Requests.",
                "Sample||req_total|path=/|7|1700000000500",
                "Sample||req_created|path=/|1699999000.25|",
                "Sample||lat_bucket|le=0.5|3|",
                "Eof|||",
            ],
            lines);
    }

    public static TheoryData<string, LineError> InvalidOpenMetricsLines => new()
    {
        { "# a plain comment", LineError.BadComment },
        { "#TYPE x counter", LineError.BadComment },
        { "x 1 # trace", LineError.BadTimestamp },
        { "x 1 # {a=\"b\"", LineError.BadTimestamp },
        { "x 1 abc", LineError.BadTimestamp },
        { "x{a=\"\\xff\"} 1", LineError.None },
    };

    [Theory]
    [MemberData(nameof(InvalidOpenMetricsLines))]
    public void BadOpenMetricsLinesAreReported(string line, LineError error)
    {
        var read = ReadAll(line + "\n# EOF\n", ExpositionFormat.OpenMetrics)[0];

        Assert.Equal(error == LineError.None ? LineKind.Sample : LineKind.Invalid, read.Kind);
        Assert.Equal(error, read.Error);
    }

    [Fact]
    public void AnythingAfterEofAndBlankOpenMetricsLinesAreErrors()
    {
        var lines = ReadAll("x 1\n\n# EOF\ny 2\n", ExpositionFormat.OpenMetrics);

        Assert.Equal([LineKind.Sample, LineKind.Invalid, LineKind.Eof, LineKind.Invalid], lines.Select(l => l.Kind));
        Assert.Equal(LineError.AfterEof, lines[3].Error);
    }

    [Fact]
    public void InvalidUtf8InALabelValueOrHelpIsRefused()
    {
        byte[] bytes = [.. "x{a=\""u8, 0xC3, 0x28, .. "\"} 1\n# HELP x bad "u8, 0xFF, (byte)'\n', .. "ok 1\n"u8];

        var lines = ReadAll(bytes, ExpositionFormat.Text);

        Assert.Equal([LineError.BadUtf8, LineError.BadUtf8, LineError.None], lines.Select(l => l.Error));
        Assert.Equal("ok", lines[2].Name);
    }

    [Theory]
    [InlineData(ExpositionFormat.Text)]
    [InlineData(ExpositionFormat.OpenMetrics)]
    public void EveryPrefixOfAValidExpositionReadsWithoutThrowingAndAccountsForEveryLine(ExpositionFormat format)
    {
        byte[] full = Encoding.UTF8.GetBytes(Fixtures.NodeLike(format));
        int fullLines = full.Count(b => b == (byte)'\n');
        for (int length = 0; length <= full.Length; length++)
        {
            var lines = ReadAll(full[..length], format);

            // Every line is either read or refused; none vanishes, and a prefix never holds more lines than the whole.
            Assert.True(lines.Count <= fullLines, $"prefix {length} produced {lines.Count} lines");
            Assert.All(lines, l => Assert.True(l.Kind != LineKind.Invalid || l.Error != LineError.None));
        }

        Assert.DoesNotContain(ReadAll(full, format), l => l.Kind == LineKind.Invalid);
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(42);
        byte[] alphabet = "{}\"=,# \n\\.-+eE0123456789abcxyzInfNa_:\t\r"u8.ToArray();
        for (int round = 0; round < 2000; round++)
        {
            byte[] bytes = new byte[random.Next(0, 80)];
            for (int i = 0; i < bytes.Length; i++)
            {
                bytes[i] = random.Next(10) == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            _ = ReadAll(bytes, ExpositionFormat.Text);
            _ = ReadAll(bytes, ExpositionFormat.OpenMetrics);
        }
    }

    private static string Describe(Read read) =>
        read.Kind == LineKind.Sample
            ? $"Sample|{(read.Error == LineError.None ? "" : read.Error)}|{read.Name}|{read.Labels}|{Number(read.Value)}|{read.Timestamp}"
            : $"{read.Kind}|{(read.Error == LineError.None ? "" : read.Error)}|{read.Name}|{read.Text}";

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
