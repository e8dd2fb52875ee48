using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Agent.Receivers.Otlp;

/// <summary>
/// Lets one cleartext port serve HTTP/1.1 and HTTP/2 with prior knowledge (h2c), as the Collector's HTTP port
/// does. Kestrel picks HTTP/2 on a mixed endpoint only from TLS ALPN; without TLS it always speaks HTTP/1.1. This
/// connection middleware peeks at the first bytes without consuming them and, when they are the HTTP/2
/// connection preface, presents that choice as if ALPN had made it. The endpoint must allow alternate schemes,
/// since Kestrel then believes the connection is https while requests say http.
/// </summary>
internal static class H2cPriorKnowledge
{
    /// <summary>A connection that sends nothing at all is closed after this long.</summary>
    private static readonly TimeSpan FirstBytesTimeout = TimeSpan.FromSeconds(30);

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static void Enable(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.Use(next => connection => DetectAsync(connection, next));
    }

    private static async Task DetectAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        bool? http2;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            timeout.CancelAfter(FirstBytesTimeout);
            http2 = await StartsWithPrefaceAsync(connection.Transport.Input, timeout.Token).ConfigureAwait(false);
        }

        if (http2 is null)
        {
            connection.Abort();
            return;
        }

        if (http2.Value)
        {
            var alpn = new PretendAlpn();
            connection.Features.Set<ITlsConnectionFeature>(alpn);
            connection.Features.Set<ITlsApplicationProtocolFeature>(alpn);
        }

        await next(connection).ConfigureAwait(false);
    }

    /// <summary>True for the HTTP/2 preface, false for anything else, null when no bytes came in time.</summary>
    private static async Task<bool?> StartsWithPrefaceAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }

            var buffer = result.Buffer;
            int verdict = Compare(buffer);
            if (verdict != 0 || result.IsCompleted || result.IsCanceled)
            {
                // Nothing consumed, nothing examined: the HTTP layer reads the same bytes again.
                input.AdvanceTo(buffer.Start);
                return verdict > 0;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>1: the full preface; -1: differs from it; 0: a matching prefix, more bytes needed.</summary>
    private static int Compare(in ReadOnlySequence<byte> buffer)
    {
        int length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface[..length]))
        {
            return -1;
        }

        return length == Preface.Length ? 1 : 0;
    }

    private sealed class PretendAlpn : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public X509Certificate2? ClientCertificate { get; set; }

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) =>
            Task.FromResult<X509Certificate2?>(null);
    }
}
