using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Agent.Core.Net;

namespace Agent.Http;

/// <summary>
/// The certificate a TLS listener presents and the CA its clients must chain to, as a server <c>tls</c> block names
/// them. Asked for on every handshake: with <c>reload_interval</c>, the files' time stamps and sizes are looked at
/// once per interval and loaded again when they changed, so the next connection gets a rotated certificate while
/// the listener keeps running. A change that does not load (a file caught half-written, a key that does not match)
/// is reported once and the previous certificates stay; a later change is tried again.
/// </summary>
public sealed class ServerCertificates
{
    private readonly TlsServerOptions _tls;
    private readonly TimeProvider _time;
    private readonly Action<Exception> _reloadFailed;
    private readonly Lock _reloading = new();
    private volatile Loaded _loaded;
    private FilesVersion _seen;
    private DateTimeOffset _nextCheck;

    /// <summary>Loads the files now: at start a broken file is an error, not a listener that fails every handshake.</summary>
    public ServerCertificates(TlsServerOptions tls, TimeProvider time, Action<Exception> reloadFailed)
    {
        _tls = tls;
        _time = time;
        _reloadFailed = reloadFailed;
        _seen = VersionOfFiles();
        _loaded = Load();
        _nextCheck = time.GetUtcNow() + tls.ReloadInterval;
    }

    public TlsServerOptions Options => _tls;

    /// <summary>Whether clients must present a certificate signed by <c>client_ca_file</c> (mutual TLS).</summary>
    public bool RequiresClientCertificate => !string.IsNullOrEmpty(_tls.ClientCaFile);

    /// <summary>The certificate to present on the handshake starting now.</summary>
    public X509Certificate2 Certificate => Current().Certificate;

    /// <summary>True when a client's certificate chains to the configured client CA.</summary>
    public bool IsTrustedClient(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Current().ClientRoots is { } roots && CertificateTrust.IsTrustedBy(roots, certificate, chain, errors);

    private Loaded Current()
    {
        if (_tls.ReloadInterval <= TimeSpan.Zero)
        {
            return _loaded;
        }

        lock (_reloading)
        {
            var now = _time.GetUtcNow();
            if (now < _nextCheck)
            {
                return _loaded;
            }

            _nextCheck = now + _tls.ReloadInterval;
            var version = VersionOfFiles();
            if (version != _seen)
            {
                // Remembered even when loading fails, so a broken file is reported once, not on every handshake.
                _seen = version;
                try
                {
                    _loaded = Load();
                }
                catch (InvalidOperationException ex)
                {
                    _reloadFailed(ex);
                }
            }

            return _loaded;
        }
    }

    private Loaded Load() => new(
        PemCertificates.LoadWithKey(_tls.CertFile!, _tls.KeyFile!),
        string.IsNullOrEmpty(_tls.ClientCaFile) ? null : PemCertificates.LoadAll(_tls.ClientCaFile));

    private FilesVersion VersionOfFiles() => new(VersionOf(_tls.CertFile), VersionOf(_tls.KeyFile), VersionOf(_tls.ClientCaFile));

    private static (DateTime Written, long Length) VersionOf(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return default;
        }

        // FileInfo follows the symbolic links a Kubernetes secret volume swaps on rotation; a missing file reads as 0.
        var file = new FileInfo(path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : default;
    }

    private sealed record Loaded(X509Certificate2 Certificate, X509Certificate2Collection? ClientRoots);

    private readonly record struct FilesVersion((DateTime, long) Cert, (DateTime, long) Key, (DateTime, long) ClientCa);
}
