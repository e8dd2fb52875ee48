using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Agent.Exporters.Loki.Logproto;
using Snappier;

namespace Agent.Tests.Fakes;

/// <summary>One stream of a decoded push, before its selector is parsed.</summary>
public sealed record FakeLokiStream(
    string Selector,
    List<(long TimeUnixNano, string Line, IReadOnlyList<KeyValuePair<string, string>> Metadata)> Entries);

/// <summary>
/// Decodes a push body as Loki's push handler does: the media type picks JSON or protobuf; protobuf bodies are
/// snappy block-compressed, with Content-Encoding empty or "snappy" (Loki decompresses either way).
/// </summary>
public static class FakeLokiDecoding
{
    public static List<FakeLokiStream> Decode(string? contentType, string? contentEncoding, byte[] body)
    {
        if (contentEncoding is not (null or "" or "snappy"))
        {
            throw new FormatException($"Content-Encoding \"{contentEncoding}\" not supported");
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType))
        {
            throw new FormatException("mime: no media type");
        }

        return mediaType.MediaType == "application/json" ? DecodeJson(body) : DecodeProtobuf(body);
    }

    public static PushRequest DecodeProtobufRequest(ReadOnlySpan<byte> body) =>
        PushRequest.Parser.ParseFrom(Snappy.DecompressToArray(body));

    private static List<FakeLokiStream> DecodeProtobuf(byte[] body)
    {
        var request = DecodeProtobufRequest(body);
        return request.Streams.Select(stream => new FakeLokiStream(
            stream.Labels,
            stream.Entries.Select(entry => (
                (entry.Timestamp.Seconds * 1_000_000_000L) + entry.Timestamp.Nanos,
                entry.Line,
                (IReadOnlyList<KeyValuePair<string, string>>)entry.StructuredMetadata.Select(pair => new KeyValuePair<string, string>(pair.Name, pair.Value)).ToList()))
            .ToList())).ToList();
    }

    private static List<FakeLokiStream> DecodeJson(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var streams = new List<FakeLokiStream>();
        foreach (var stream in document.RootElement.GetProperty("streams").EnumerateArray())
        {
            var labels = stream.GetProperty("stream").EnumerateObject()
                .Select(label => $"{label.Name}={JsonSerializer.Serialize(label.Value.GetString())}");
            var entries = new List<(long, string, IReadOnlyList<KeyValuePair<string, string>>)>();
            foreach (var value in stream.GetProperty("values").EnumerateArray())
            {
                long time = long.Parse(value[0].GetString()!, CultureInfo.InvariantCulture);
                var metadata = value.GetArrayLength() > 2
                    ? value[2].EnumerateObject().Select(pair => new KeyValuePair<string, string>(pair.Name, pair.Value.GetString()!)).ToList()
                    : [];
                entries.Add((time, value[1].GetString()!, metadata));
            }

            streams.Add(new FakeLokiStream("{" + string.Join(", ", labels) + "}", entries));
        }

        return streams;
    }
}
