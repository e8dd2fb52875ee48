using System.Security.Authentication;
using Agent.Core.Config;

namespace Agent.Core.Net;

/// <summary>The Collector's client <c>tls</c> block.</summary>
public sealed class TlsClientOptions : IValidatable
{
    public const string Tls12 = "1.2";
    public const string Tls13 = "1.3";

    /// <summary>Plain text, no TLS at all (gRPC to an endpoint without https://).</summary>
    public bool Insecure { get; set; }

    /// <summary>TLS without checking the server's certificate: for tests only.</summary>
    public bool InsecureSkipVerify { get; set; }

    public string? CaFile { get; set; }

    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    public string? ServerNameOverride { get; set; }

    /// <summary>The oldest TLS version offered: <c>1.2</c> (the Collector's default) or <c>1.3</c>.</summary>
    public string MinVersion { get; set; } = Tls12;

    /// <summary>How often the CA, certificate and key files are read again, so rotated files apply; 0 = never.</summary>
    public TimeSpan ReloadInterval { get; set; }

    internal SslProtocols Protocols => MinVersion == Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;

    public IEnumerable<(string Key, string Message)> Validate()
    {
        foreach (var (key, file) in new[] { ("ca_file", CaFile), ("cert_file", CertFile), ("key_file", KeyFile) })
        {
            if (file is not null && !File.Exists(file))
            {
                yield return (key, $"file \"{file}\" does not exist");
            }
        }

        if ((CertFile is null) != (KeyFile is null))
        {
            yield return ("cert_file", "cert_file and key_file go together");
        }

        if (MinVersion is not (Tls12 or Tls13))
        {
            yield return ("min_version", $"must be \"1.2\" or \"1.3\", not \"{MinVersion}\"");
        }

        if (ReloadInterval < TimeSpan.Zero)
        {
            yield return ("reload_interval", "must not be negative");
        }
    }
}
