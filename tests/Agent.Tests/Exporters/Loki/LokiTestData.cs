using System.Text;
using Agent.Core.Components;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.Loki;
using Agent.Tests.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Exporters.Loki;

/// <summary>Builders for the Loki exporter tests: resources, raw chunks, exporters against a <see cref="FakeLoki"/>.</summary>
internal static class LokiTestData
{
    public const long BaseTime = 1_700_000_000_123_456_789;

    public static Resource PodResource(string ns = "shop", string pod = "api-7d9f", string container = "api", params (string Key, string Value)[] extra)
    {
        var resource = new Resource();
        Add(resource.Attributes, "k8s.namespace.name", ns);
        Add(resource.Attributes, "k8s.pod.name", pod);
        Add(resource.Attributes, "k8s.container.name", container);
        Add(resource.Attributes, "k8s.pod.uid", "0b8e5c2a-1111-2222-3333-444455556666");
        foreach (var (key, value) in extra)
        {
            Add(resource.Attributes, key, value);
        }

        return resource;
    }

    public static void Add(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, string key, string value) =>
        attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });

    /// <summary>A chunk of file lines; trace and span ids, when given, must occur in the line and are pointed at.</summary>
    public static RawLogChunk Chunk(Resource resource, params RawLine[] lines)
    {
        var chunk = new RawLogChunk(resource);
        foreach (var line in lines)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line.Text);
            int offset = chunk.Length;
            bytes.CopyTo(chunk.GetSpan(bytes.Length));
            chunk.Advance(bytes.Length);
            chunk.Add(new RawLogEntry
            {
                TimeUnixNano = line.TimeUnixNano,
                Offset = offset,
                Length = bytes.Length,
                Stream = line.Stream,
                SeverityNumber = line.Severity,
                LevelOffset = -1,
                TraceIdOffset = FieldOffset(line.Text, line.TraceId, offset, out int traceLength),
                TraceIdLength = traceLength,
                SpanIdOffset = FieldOffset(line.Text, line.SpanId, offset, out int spanLength),
                SpanIdLength = spanLength,
            });
        }

        return chunk;
    }

    public static LokiExporterOptions Options(FakeLoki loki) => new()
    {
        Endpoint = loki.BaseUri.ToString(),
        RetryOnFailure = { InitialInterval = TimeSpan.FromMilliseconds(5), MaxInterval = TimeSpan.FromMilliseconds(20), RandomizationFactor = 0 },
        SendingQueue = { NumConsumers = 2 },
    };

    public static async Task<(LokiExporter Exporter, string Name)> StartAsync(LokiExporterOptions options)
    {
        var id = new ComponentId("loki", Guid.NewGuid().ToString("N"));
        var factory = new LokiExporterFactory();
        var exporter = (LokiExporter)factory.CreateExporter(new ComponentContext(id, options, new TestHost()), new HashSet<Signal> { Signal.Logs });
        await exporter.StartAsync(CancellationToken.None);
        return (exporter, id.ToString());
    }

    /// <summary>Hands the batch to the exporter and waits for its delivery status.</summary>
    public static async Task<DeliveryStatus> SendAsync(LokiExporter exporter, LogsBatch batch)
    {
        var notifier = new BatchNotifier();
        batch.AttachNotifier(notifier);
        await exporter.Logs!.ConsumeAsync(batch, CancellationToken.None);
        return await notifier.Completion.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static int FieldOffset(string line, string? field, int lineOffset, out int length)
    {
        length = 0;
        if (field is null)
        {
            return -1;
        }

        int at = line.IndexOf(field, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{field}' is not in the line");
        length = Encoding.UTF8.GetByteCount(field);
        return lineOffset + Encoding.UTF8.GetByteCount(line[..at]);
    }
}

/// <summary>One file line for <see cref="LokiTestData.Chunk"/>.</summary>
internal sealed record RawLine(long TimeUnixNano, string Text, LogStream Stream = LogStream.Stdout, byte Severity = 0, string? TraceId = null, string? SpanId = null);
