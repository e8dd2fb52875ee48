using System.Globalization;
using System.Text;
using Agent.Receivers.Prometheus.Exposition;
using CsCheck;

namespace Agent.Tests.Fuzz;

/// <summary>The Prometheus text and OpenMetrics reader: never throws on any bytes; reads back generated expositions exactly.</summary>
public class ExpositionFuzzTests
{
    private const int ScratchLabels = 16;

    private static readonly Gen<string> MetricName =
        Gen.Select(Gen.Char["abcxyzABZ_:"], Gen.String["abz_:09AZ"]).Select((first, rest) => first + rest);

    private static readonly Gen<string> LabelName =
        Gen.Select(Gen.Char["abcxyzABZ_"], Gen.String["abz_09AZ"]).Select((first, rest) => first + rest);

    private static readonly Gen<double> Value = Gen.Frequency(
        (4, Gen.Double), (1, Gen.Long.Select(l => (double)l)), (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0)));

    private static readonly Gen<Sample> Samples = Gen.Select(
            MetricName, Gen.Select(LabelName, PodLogLines.Text).Array[0, 6], Value, Gen.Long[-1, long.MaxValue], Gen.Bool)
        .Select((name, labels, value, timestamp, help) => new Sample(
            name,
            [.. labels.DistinctBy(l => l.Item1).Where(l => l.Item1 != "__name__")],
            value,
            timestamp < 0 ? null : timestamp,
            help));

    [Theory(Timeout = TestTimeouts.Default)]
    [InlineData(ExpositionFormat.Text)]
    [InlineData(ExpositionFormat.OpenMetrics)]
    public Task Any_bytes_are_read_to_the_end_without_throwing(ExpositionFormat format) =>
        Fuzzing.RunAsync(
            Gen.Frequency(
                (1, Fuzzing.Bytes(300)),
                (1, Fuzzing.Mutated("# HELP x a \\n b\n# TYPE x counter\nx_total{a=\"1\",b=\"q\\\"\"} 3 1700000000000\nx_total{a=\"2\"} NaN # {t=\"1\"} 2 1.5\n# EOF\n"u8.ToArray()))),
            data =>
            {
                Span<LabelSpan> scratch = stackalloc LabelSpan[ScratchLabels];
                var reader = new ExpositionReader(data, format, scratch);
                int lines = 0;
                while (reader.Read())
                {
                    lines++;
                    Assert.Equal(reader.Kind == LineKind.Invalid, reader.Error != LineError.None);
                    if (reader.Kind == LineKind.Sample)
                    {
                        _ = reader.SeriesBytes;
                        foreach (var label in reader.Labels)
                        {
                            SampleValues.Unescape(data.AsSpan(label.ValueStart, label.ValueLength));
                        }
                    }
                }

                Assert.True(lines <= data.Count(b => b == '\n') + 1);
            },
            Fuzzing.Cheap);

    [Fact(Timeout = TestTimeouts.Default)]
    public Task Generated_text_exposition_reads_back_names_labels_values_and_timestamps() =>
        Fuzzing.RunAsync(Samples.Array[1, 8], samples =>
        {
            var text = new StringBuilder();
            foreach (var sample in samples)
            {
                if (sample.Help)
                {
                    text.Append("# HELP ").Append(sample.Name).Append(" help\n# TYPE ").Append(sample.Name).Append(" gauge\n");
                }

                text.Append(sample.Name);
                if (sample.Labels.Length > 0)
                {
                    text.Append('{').AppendJoin(',', sample.Labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\"")).Append('}');
                }

                text.Append(' ').Append(Format(sample.Value));
                if (sample.TimestampMs is long ms)
                {
                    text.Append(' ').Append(ms.ToString(CultureInfo.InvariantCulture));
                }

                text.Append('\n');
            }

            byte[] data = Encoding.UTF8.GetBytes(text.ToString());
            Span<LabelSpan> scratch = stackalloc LabelSpan[ScratchLabels];
            var reader = new ExpositionReader(data, ExpositionFormat.Text, scratch);
            foreach (var sample in samples)
            {
                if (sample.Help)
                {
                    Assert.True(reader.Read());
                    Assert.Equal((LineKind.Help, sample.Name), (reader.Kind, Encoding.UTF8.GetString(reader.Name)));
                    Assert.True(reader.Read());
                    Assert.Equal((LineKind.Type, "gauge"), (reader.Kind, Encoding.UTF8.GetString(reader.Text)));
                }

                Assert.True(reader.Read());
                Assert.Equal(LineError.None, reader.Error);
                Assert.Equal(LineKind.Sample, reader.Kind);
                Assert.Equal(sample.Name, Encoding.UTF8.GetString(reader.Name));
                Assert.Equal(
                    sample.Labels.Select(l => (l.Name, l.Value)),
                    reader.Labels.ToArray().Select(l => (Encoding.UTF8.GetString(data, l.NameStart, l.NameLength), SampleValues.Unescape(data.AsSpan(l.ValueStart, l.ValueLength)))));
                Assert.Equal(BitConverter.DoubleToInt64Bits(sample.Value), BitConverter.DoubleToInt64Bits(reader.Value));
                Assert.Equal(sample.TimestampMs, reader.HasTimestamp ? reader.TimestampMs : null);
            }

            Assert.False(reader.Read());
        }, Fuzzing.Costly, samples => string.Join("; ", samples.Select(s => s.ToString())));

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Format(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private sealed record Sample(string Name, (string Name, string Value)[] Labels, double Value, long? TimestampMs, bool Help)
    {
        public override string ToString() =>
            $"{Name}{{{string.Join(",", Labels.Select(l => $"{l.Name}={l.Value}"))}}} {Value} {TimestampMs} help={Help}";
    }
}
