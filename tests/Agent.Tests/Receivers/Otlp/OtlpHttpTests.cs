using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Core.Telemetry;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace Agent.Tests.Receivers.Otlp;

public class OtlpHttpTests
{
    private static readonly HttpClient Client = new();

    [Fact]
    public async Task Protobuf_request_is_delivered_and_answered_with_an_empty_protobuf_response()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Traces(spans: 3);

        using var response = await PostAsync(otlp, "/v1/traces", sent.ToByteArray(), "application/x-protobuf");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Null(answer.PartialSuccess);
        var batch = Assert.Single(otlp.Traces.Batches);
        Assert.Equal(sent, batch.Data);
        Assert.Equal(3, AgentMetrics.AcceptedValue(otlp.Name, "http", Signal.Traces));
    }

    internal static async Task<HttpResponseMessage> PostAsync(
        OtlpTestReceiver otlp, string path, byte[] body, string contentType, string? contentEncoding = null, Version? version = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (contentEncoding is not null)
        {
            content.Headers.ContentEncoding.Add(contentEncoding);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(otlp.HttpAddress, path)) { Content = content };
        if (version is not null)
        {
            request.Version = version;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        return await Client.SendAsync(request);
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
