namespace Agent.Core.Config;

/// <summary>The Collector's client <c>tls</c> block.</summary>
public sealed class TlsClientOptions : IValidatable
{
    /// <summary>Plain text, no TLS at all (gRPC to an endpoint without https://).</summary>
    public bool Insecure { get; set; }

    /// <summary>TLS without checking the server's certificate: for tests only.</summary>
    public bool InsecureSkipVerify { get; set; }

    public string? CaFile { get; set; }

    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    public string? ServerNameOverride { get; set; }

    public IEnumerable<(string Key, string Message)> Validate()
    {
        if (CaFile is not null && !File.Exists(CaFile))
        {
            yield return ("ca_file", $"file \"{CaFile}\" does not exist");
        }

        if ((CertFile is null) != (KeyFile is null))
        {
            yield return ("cert_file", "cert_file and key_file go together");
        }
    }
}
