using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Agent.Http;

/// <summary>Puts TLS on a Kestrel listener from a server <c>tls</c> block's certificates.</summary>
internal static class TlsListener
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public static void Apply(ListenOptions listen, ServerCertificates certificates)
    {
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            // Asked per connection, so a reloaded certificate reaches the next client without a restart.
            ServerCertificateSelector = (_, _) => certificates.Certificate,
            SslProtocols = certificates.Options.Protocols,
            HandshakeTimeout = HandshakeTimeout,
            ClientCertificateMode = certificates.RequiresClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
            ClientCertificateValidation = certificates.RequiresClientCertificate ? certificates.IsTrustedClient : null,
            CheckCertificateRevocation = false,
        });
    }
}
