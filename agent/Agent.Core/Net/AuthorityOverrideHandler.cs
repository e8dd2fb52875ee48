namespace Agent.Core.Net;

/// <summary>
/// <c>tls.server_name_override</c>: SocketsHttpHandler takes the TLS server name (SNI and the name checked in the
/// certificate) from the request's Host, so the override is applied there; it is then also the Host (the gRPC
/// <c>:authority</c>) sent, as with the Collector's gRPC client.
/// </summary>
internal sealed class AuthorityOverrideHandler(string authority, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Host = authority;
        return base.SendAsync(request, cancellationToken);
    }
}
