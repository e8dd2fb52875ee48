using System.Security.Authentication;
using Agent.Core.Config;

namespace Agent.Core.Net;

/// <summary>
/// The Collector's server <c>tls</c> block (configtls.ServerConfig): the certificate a listener presents, the CA
/// its clients' certificates must chain to for mutual TLS, the oldest version accepted, and how often the files are
/// looked at again so a rotated certificate is served without a restart.
/// </summary>
public sealed class TlsServerOptions : IValidatable
{
    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>PEM CA(s) for mutual TLS: when set, every client must present a certificate that chains to one of them.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>The oldest TLS version accepted: <c>1.2</c> (the Collector's default) or <c>1.3</c>.</summary>
    public string MinVersion { get; set; } = TlsClientOptions.Tls12;

    /// <summary>How often the files' time stamps and sizes are checked; a change loads them again. 0 = never.</summary>
    public TimeSpan ReloadInterval { get; set; }

    public SslProtocols Protocols => MinVersion == TlsClientOptions.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (string.IsNullOrEmpty(CertFile))
        {
            yield return ("cert_file", "a server needs a certificate: set cert_file and key_file");
        }

        if (string.IsNullOrEmpty(KeyFile))
        {
            yield return ("key_file", "a server needs the certificate's private key: set cert_file and key_file");
        }

        foreach (var (key, file) in new[] { ("cert_file", CertFile), ("key_file", KeyFile), ("client_ca_file", ClientCaFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                yield return (key, $"file \"{file}\" does not exist");
            }
        }

        if (MinVersion is not (TlsClientOptions.Tls12 or TlsClientOptions.Tls13))
        {
            yield return ("min_version", $"must be \"1.2\" or \"1.3\", not \"{MinVersion}\"");
        }

        if (ReloadInterval < TimeSpan.Zero)
        {
            yield return ("reload_interval", "must not be negative");
        }
    }
}
