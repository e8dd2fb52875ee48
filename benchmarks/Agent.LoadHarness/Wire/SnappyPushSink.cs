using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Agent.LoadHarness.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Snappier;

namespace Agent.LoadHarness.Wire;

/// <summary>
/// A push endpoint for snappy-compressed protobuf bodies, as Loki's push API and Prometheus remote-write both are:
/// <c>POST</c> to one path on Kestrel (loopback, HTTP/1.1 and h2c), each body decompressed and handed to a counting
/// walk, then thrown away. Given a JSON counter, bodies sent as <c>application/json</c> (Loki's JSON push, which
/// Fluent Bit sends) are counted uncompressed with it instead.
/// </summary>
internal sealed class SnappyPushSink : IItemSink
{
    /// <summary>Items in a decompressed body and the payload bytes they carry (log line bytes, say); 0 when not counted.</summary>
    public delegate (long Items, long Bytes) BodyCounter(ReadOnlySpan<byte> body);

    private readonly WebApplication _app;
    private readonly string _path;
    private readonly BodyCounter _count;
    private readonly BodyCounter? _countJson;
    private long _items;
    private long _bytes;
    private long _pushes;
    private long _badPushes;

    private SnappyPushSink(WebApplication app, string path, BodyCounter count, BodyCounter? countJson)
    {
        _app = app;
        _path = path;
        _count = count;
        _countJson = countJson;
    }

    public int Port => new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    public long Items => Interlocked.Read(ref _items);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Pushes => Interlocked.Read(ref _pushes);

    /// <summary>Pushes the sink could not read (not snappy protobuf): a setup problem, reported rather than hidden.</summary>
    public long BadPushes => Interlocked.Read(ref _badPushes);

    public static async Task<SnappyPushSink> StartAsync(string path, BodyCounter count, BodyCounter? countJson = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var sink = new SnappyPushSink(app, path, count, countJson);
        app.Run(sink.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != _path)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var reader = context.Request.BodyReader;
        ReadResult read;
        do
        {
            read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            if (!read.IsCompleted)
            {
                // Consume nothing yet: ask for the whole body in one buffer.
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        while (!read.IsCompleted);

        bool json = _countJson is not null && context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        bool ok = Count(read.Buffer, json);
        reader.AdvanceTo(read.Buffer.End);
        Interlocked.Increment(ref _pushes);
        context.Response.StatusCode = ok ? StatusCodes.Status204NoContent : StatusCodes.Status400BadRequest;
    }

    /// <summary>Counts one body: snappy-compressed protobuf, or with <paramref name="json"/> plain JSON.</summary>
    private bool Count(ReadOnlySequence<byte> body, bool json)
    {
        byte[] received = ArrayPool<byte>.Shared.Rent((int)body.Length);
        byte[]? plain = null;
        try
        {
            var input = received.AsSpan(0, (int)body.Length);
            body.CopyTo(input);
            if (json)
            {
                Add(_countJson!(input));
                return true;
            }

            plain = ArrayPool<byte>.Shared.Rent(Snappy.GetUncompressedLength(input));
            int written = Snappy.Decompress(input, plain);
            Add(_count(plain.AsSpan(0, written)));
            return true;
        }
        catch (InvalidDataException)
        {
            Interlocked.Increment(ref _badPushes);
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(received);
            if (plain is not null)
            {
                ArrayPool<byte>.Shared.Return(plain);
            }
        }
    }

    private void Add((long Items, long Bytes) counted)
    {
        Interlocked.Add(ref _items, counted.Items);
        Interlocked.Add(ref _bytes, counted.Bytes);
    }
}
