using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Agent.Core.Components;
using Agent.Core.Net;
using Microsoft.Extensions.Logging;

namespace Agent.Extensions.BearerTokenAuth;

/// <summary>
/// Lets a request in when its header holds the expected <c>scheme token</c>. The comparison takes the same time
/// whatever the header holds: both sides are hashed (SHA-256) and the hashes compared in constant time, so neither
/// the token's bytes nor its length can be found by timing answers.
/// </summary>
internal sealed class BearerTokenAuthExtension : IComponent, IServerAuthenticator
{
    /// <summary>Longer headers are refused without hashing: no token is that long, and hashing them costs the server.</summary>
    private const int MaxHeaderBytes = 16 * 1024;

    private readonly BearerTokenAuthOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private BearerTokenFile? _file;
    private volatile Expected? _expected;

    public BearerTokenAuthExtension(BearerTokenAuthOptions options, TimeProvider time, ILogger? logger = null)
    {
        _options = options;
        _time = time;
        _logger = logger;
    }

    public string HeaderName => _options.Header;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.Filename))
        {
            // Its error names the file, never what is in it.
            _file = new BearerTokenFile(_options.Filename, _time, _logger);
        }

        return Task.CompletedTask;
    }

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public bool Authenticate(string? headerValue)
    {
        var expected = ExpectedNow();
        if (headerValue is null || expected is null)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        if (!TryHash(headerValue, hash))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(hash, expected.Hash);
    }

    /// <summary>The hash of the header a client must send, made again only when the token changed.</summary>
    private Expected? ExpectedNow()
    {
        string? token = _file is { } file ? file.Token : _options.Token;
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var expected = _expected;
        if (expected is null || !ReferenceEquals(expected.Token, token))
        {
            string value = string.IsNullOrEmpty(_options.Scheme) ? token : $"{_options.Scheme} {token}";
            expected = new Expected(token, SHA256.HashData(Encoding.UTF8.GetBytes(value)));
            _expected = expected;
        }

        return expected;
    }

    private static bool TryHash(string value, Span<byte> hash)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        if (length > MaxHeaderBytes)
        {
            return false;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int written = Encoding.UTF8.GetBytes(value, rented);
            SHA256.HashData(rented.AsSpan(0, written), hash);
            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, length));
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public override string ToString() => "extension bearertokenauth";

    // A class, not a record: a record's ToString would print the token.
    private sealed class Expected(string token, byte[] hash)
    {
        public string Token => token;

        public byte[] Hash => hash;
    }
}
