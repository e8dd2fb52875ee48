using System.Net;
using System.Security.Cryptography;
using Agent.Core.Memory;
using Agent.Http;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Http;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Hands_out_whole_blocks_and_reuses_returned_ones_up_to_the_bound()
    {
        var arrays = new HandOffPool<byte>(retainedBytesPerSize: 2048, arraysPerSize: 2);
        using var pool = new LargeBlockMemoryPool(blockSize: 1024, arrays);
        var first = pool.Rent();
        var second = pool.Rent(1024);
        var third = pool.Rent(10);
        Assert.All(new[] { first, second, third }, block => Assert.Equal(1024, block.Memory.Length));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(1025));

        var secondArray = second.Memory;
        first.Dispose();
        second.Dispose();
        third.Dispose();
        Assert.Equal(2, arrays.PooledCount);

        var reused = pool.Rent();
        Assert.True(reused.Memory.Span == secondArray.Span, "the last block kept comes back first");
        Assert.Equal(1, arrays.PooledCount);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Kestrel_reads_a_large_body_through_the_pool_byte_for_byte()
    {
        var body = new byte[300_000];
        new Random(7).NextBytes(body);
        await using var server = await EmbeddedHttpServer.StartAsync(
            ListenEndpoint.Parse("127.0.0.1:0"),
            async context =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                var pool = context.Features.Get<IMemoryPoolFeature>()?.MemoryPool;
                var reply = $"{pool?.GetType().Name} {pool?.MaxBufferSize} {Convert.ToHexString(SHA256.HashData(buffer.ToArray()))}";
                await context.Response.WriteAsync(reply, context.RequestAborted);
            },
            NullLoggerFactory.Instance,
            CancellationToken.None);

        using var client = new HttpClient();
        using var response = await client.PostAsync($"http://127.0.0.1:{server.Port}/", new ByteArrayContent(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            $"{nameof(LargeBlockMemoryPool)} {LargeBlockMemoryPool.DefaultBlockSize} {Convert.ToHexString(SHA256.HashData(body))}",
            await response.Content.ReadAsStringAsync());
    }
}
