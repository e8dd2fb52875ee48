using System.Text.Unicode;
using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Agent.Receivers.PodLogs;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>Random and mangled input must never throw, and whatever comes out must be valid UTF-8 within the limits.</summary>
public class LineDecoderFuzzTests
{
    [Theory]
    [InlineData(LogFormat.Auto)]
    [InlineData(LogFormat.Cri)]
    [InlineData(LogFormat.Docker)]
    [InlineData(LogFormat.Plain)]
    public void Mangled_input_never_throws_and_yields_valid_records(LogFormat format)
    {
        var random = new Random(1234 + (int)format);
        byte[][] seeds =
        [
            "2024-01-01T12:00:00.123456789Z stdout P level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 \n"u8.ToArray(),
            "2024-01-01T12:00:00+02:00 stderr F {\"level\":\"warn\",\"span_id\":\"00f067aa0ba902b7\"}\n"u8.ToArray(),
            "{\"log\":\"caf\\u00e9 \\\"x\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T12:00:00Z\"}\n"u8.ToArray(),
            "{\"log\":\"part\",\"stream\":\"stderr\",\"time\":\"2024-01-01T12:00:00Z\"}\n"u8.ToArray(),
        ];
        for (int round = 0; round < 300; round++)
        {
            var input = new List<byte>();
            for (int line = 0; line < 20; line++)
            {
                var bytes = (byte[])seeds[random.Next(seeds.Length)].Clone();
                for (int flips = random.Next(4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                input.AddRange(bytes.AsSpan(0, random.Next(bytes.Length / 2, bytes.Length + 1)).ToArray());
            }

            var decoder = new LineDecoder(format, 1024, new FieldExtractor(new ExtractOptions()), new ReceiverTelemetry(SelfMetrics.Registry, new ComponentId("filelog", "fuzz")));
            using var chunk = new RawLogChunk(new Resource(), 256, 4);
            var data = input.ToArray();
            int used = decoder.Decode(data, chunk, 1);
            decoder.Flush(data.AsSpan(used), chunk, 1);

            foreach (var entry in chunk.Entries)
            {
                var text = chunk.Line(entry);
                Assert.True(Utf8.IsValid(text));
                Assert.True(text.Length <= 1024 * 3);
                AssertInside(entry, entry.LevelOffset, entry.LevelLength);
                AssertInside(entry, entry.TraceIdOffset, entry.TraceIdLength);
                AssertInside(entry, entry.SpanIdOffset, entry.SpanIdLength);
            }
        }
    }

    private static void AssertInside(RawLogEntry entry, int offset, int length)
    {
        if (offset >= 0)
        {
            Assert.InRange(offset, entry.Offset, entry.Offset + entry.Length - length);
        }
    }
}
