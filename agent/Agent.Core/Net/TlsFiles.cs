using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Agent.Core.Net;

/// <summary>
/// The CA and client certificate a <c>tls</c> block names, read at start and, with <c>reload_interval</c>, read
/// again once that much time has passed, so a rotated certificate is used by the next connection without a
/// restart. A reload that fails (a file caught half-written) keeps what was read before and tries again later; the
/// first failure of a run of them is logged as a warning, and the reload that succeeds again is logged too.
/// </summary>
internal sealed class TlsFiles
{
    private readonly TlsClientOptions _tls;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Lock _reloading = new();
    private readonly FailureStreak _reloads = new();
    private volatile Loaded _loaded;
    private DateTimeOffset _nextReload;

    public TlsFiles(TlsClientOptions tls, TimeProvider time, ILogger? logger)
    {
        _tls = tls;
        _time = time;
        _logger = logger;

        // At start a broken file is an error: better to fail now than on every send.
        _loaded = Load();
        _nextReload = time.GetUtcNow() + tls.ReloadInterval;
    }

    /// <summary>The private CA to trust, or null for the system's store.</summary>
    public X509Certificate2Collection? Roots => Current().Roots;

    /// <summary>The certificate to present for mutual TLS, or null for none.</summary>
    public X509Certificate2? ClientCertificate => Current().ClientCertificate;

    private Loaded Current()
    {
        if (_tls.ReloadInterval <= TimeSpan.Zero)
        {
            return _loaded;
        }

        lock (_reloading)
        {
            var now = _time.GetUtcNow();
            if (now >= _nextReload)
            {
                _nextReload = now + _tls.ReloadInterval;
                try
                {
                    _loaded = Load();
                    if (_reloads.Succeeded())
                    {
                        _logger?.LogInformation("The TLS certificate files can be loaded again");
                    }
                }
                catch (InvalidOperationException ex)
                {
                    // Keep the previous certificates; the next interval tries again.
                    if (_reloads.Failed())
                    {
                        _logger?.LogWarning("The TLS certificate files cannot be loaded again ({Error}); the previous certificates stay in use", ex.Message);
                    }
                }
            }

            return _loaded;
        }
    }

    private Loaded Load() => new(
        _tls.CaFile is { } caFile ? PemCertificates.LoadAll(caFile) : null,
        _tls.CertFile is { } certFile && _tls.KeyFile is { } keyFile ? PemCertificates.LoadWithKey(certFile, keyFile) : null);

    private sealed record Loaded(X509Certificate2Collection? Roots, X509Certificate2? ClientCertificate);
}
