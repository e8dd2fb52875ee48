using System.IO.Compression;
using ZstdSharp;

namespace Agent.Receivers.Otlp;

/// <summary>The Content-Encoding values the HTTP front end understands.</summary>
internal enum ContentCoding
{
    Identity,
    Gzip,
    Deflate,
    Zstd,
}

internal enum BodyReadStatus
{
    Complete,

    /// <summary>The body, as sent or once decompressed, is larger than the limit.</summary>
    TooLarge,

    /// <summary>The compressed data is corrupt.</summary>
    Corrupt,

    /// <summary>The receiver's in-flight byte budget is spent: the client should retry later.</summary>
    Busy,
}

/// <summary>
/// Reads a request body into a <see cref="SegmentedBuffer"/>, decompressing as it goes and stopping as soon as
/// the decompressed size passes the limit, so a small gzip or zstd bomb never inflates beyond that limit in memory. What it
/// holds is counted against the receiver's in-flight budget as it grows, and reading stops when that is spent.
/// </summary>
internal static class RequestBodyReader
{
    public static ContentCoding? CodingOf(string? contentEncoding) => contentEncoding?.Trim().ToLowerInvariant() switch
    {
        null or "" or "identity" => ContentCoding.Identity,
        "gzip" or "x-gzip" => ContentCoding.Gzip,
        "deflate" => ContentCoding.Deflate,
        "zstd" => ContentCoding.Zstd,
        _ => null,
    };

    /// <summary>What each decompressor throws on bytes that are not its format, or a frame cut short.</summary>
    public static bool IsCorruptData(Exception ex) => ex is InvalidDataException or ZstdException or EndOfStreamException;

    public static async Task<BodyReadStatus> ReadAsync(
        Stream body, ContentCoding coding, long limit, SegmentedBuffer into, InFlightBytes.Lease lease, CancellationToken cancellationToken)
    {
        // HTTP's "deflate" is the zlib format (RFC 9110 section 8.4.1.2).
        Stream? decompressor = coding switch
        {
            ContentCoding.Gzip => new GZipStream(body, CompressionMode.Decompress, leaveOpen: true),
            ContentCoding.Deflate => new ZLibStream(body, CompressionMode.Decompress, leaveOpen: true),
            ContentCoding.Zstd => new DecompressionStream(body, leaveOpen: true),
            _ => null,
        };
        var source = decompressor ?? body;
        try
        {
            while (true)
            {
                int read = await source.ReadAsync(into.GetMemory(), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return BodyReadStatus.Complete;
                }

                into.Advance(read);
                if (into.Length > limit)
                {
                    return BodyReadStatus.TooLarge;
                }

                if (!lease.TryCover(into.Length))
                {
                    return BodyReadStatus.Busy;
                }
            }
        }
        catch (Exception ex) when (decompressor is not null && IsCorruptData(ex))
        {
            return BodyReadStatus.Corrupt;
        }
        finally
        {
            if (decompressor is not null)
            {
                await decompressor.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
