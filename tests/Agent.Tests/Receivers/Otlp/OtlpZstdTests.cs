using System.IO.Compression;
using System.Net;
using Agent.Exporters.Otlp.Grpc;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Compression;
using ZstdSharp;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>zstd request bodies on both protocols, under the same decompressed-size limit as gzip.</summary>
public sealed class OtlpZstdTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_zstd_body_over_http_is_delivered()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        var sent = OtlpSamples.Logs(body: new string('z', 20_000));

        using var answer = await PostZstdAsync(otlp, "/v1/logs", Zstd(sent.ToByteArray()));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(sent, Assert.Single(otlp.Logs.Received).Data);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_zstd_bomb_over_http_is_refused_once_it_inflates_past_the_limit()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => options.Protocols.Http!.MaxRequestBodySize = 100_000);
        byte[] bomb = Zstd(new byte[64 * 1024 * 1024]);
        Assert.True(bomb.Length < 100_000);

        using var answer = await PostZstdAsync(otlp, "/v1/logs", bomb);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "too_large"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Corrupt_zstd_over_http_is_answered_400()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();

        using var answer = await PostZstdAsync(otlp, "/v1/logs", [0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(1, SelfMetrics.RequestRejectedValue(otlp.Name, "malformed"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_zstd_message_over_grpc_is_delivered()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync();
        using var channel = ZstdChannel(otlp);
        var sent = OtlpSamples.Logs(body: new string('z', 20_000));

        await new LogsService.LogsServiceClient(channel).ExportAsync(sent, ZstdRequest());

        Assert.Equal(sent, Assert.Single(otlp.Logs.Received).Data);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_zstd_bomb_over_grpc_is_answered_resource_exhausted()
    {
        await using var otlp = await OtlpTestReceiver.StartAsync(options => options.Protocols.Grpc!.MaxRecvMsgSizeMib = 1);
        using var channel = ZstdChannel(otlp);
        var bomb = OtlpSamples.Logs(body: new string('z', 8 * 1024 * 1024));

        var error = await Assert.ThrowsAsync<RpcException>(() => new LogsService.LogsServiceClient(channel).ExportAsync(bomb, ZstdRequest()).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Empty(otlp.Logs.Received);
    }

    private static byte[] Zstd(byte[] data)
    {
        using var compressor = new Compressor();
        return compressor.Wrap(data).ToArray();
    }

    private static async Task<HttpResponseMessage> PostZstdAsync(OtlpTestReceiver otlp, string path, byte[] body)
    {
        using var client = new HttpClient();
        var content = new ByteArrayContentWithType(body);
        content.Headers.ContentEncoding.Add("zstd");
        return await client.PostAsync(new Uri(otlp.HttpAddress, path), content);
    }

    /// <summary>A channel that compresses requests with zstd: the client side of the receiver's encoding.</summary>
    private static GrpcChannel ZstdChannel(OtlpTestReceiver otlp) => GrpcChannel.ForAddress(otlp.GrpcAddress, new GrpcChannelOptions
    {
        CompressionProviders = [new ZstdProvider()],
        MaxSendMessageSize = null,
    });

    private static CallOptions ZstdRequest() => new(new Metadata { { "grpc-internal-encoding-request", "zstd" } });

    private sealed class ZstdProvider : ICompressionProvider
    {
        public string EncodingName => "zstd";

        public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => new CompressionStream(stream, leaveOpen: true);

        public Stream CreateDecompressionStream(Stream stream) => new DecompressionStream(stream);
    }
}
