using System.Security.Authentication;
using Agent.Core.Net;
using Agent.Tests.Exporters;
using Agent.Tests.Fakes;
using Microsoft.Extensions.Logging;

namespace Agent.Tests.Core.Net;

public sealed class HttpHandlerBuilderTlsTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly TestCertificates _certificates = certificates;

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_server_signed_by_the_ca_file_is_trusted()
    {
        await using var server = await RecordingServer.StartAsync(_certificates.Server);
        using var client = Client(new TlsClientOptions { CaFile = _certificates.CaFile });

        await GetAsync(client, server.BaseUri);

        Assert.Single(server.Requests);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_server_an_unrelated_ca_did_not_sign_is_refused()
    {
        await using var server = await RecordingServer.StartAsync(_certificates.Server);
        using var client = Client(new TlsClientOptions { CaFile = _certificates.WriteUnrelatedCaFile() });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(client, server.BaseUri));

        Assert.IsType<AuthenticationException>(error.InnerException);
        Assert.Empty(server.Requests);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task The_client_certificate_is_presented_for_mutual_tls()
    {
        await using var server = await RecordingServer.StartAsync(_certificates.Server, askClientCertificate: true);
        using var client = Client(new TlsClientOptions { CaFile = _certificates.CaFile, CertFile = _certificates.ClientCertFile, KeyFile = _certificates.ClientKeyFile });

        await GetAsync(client, server.BaseUri);

        Assert.Equal("CN=agent-test-client", Assert.Single(server.Requests).ClientCertificateSubject);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Server_name_override_is_the_name_checked_and_sent()
    {
        await using var server = await RecordingServer.StartAsync(_certificates.Server);
        using var matching = Client(new TlsClientOptions { CaFile = _certificates.CaFile, ServerNameOverride = "localhost" });
        using var mismatching = Client(new TlsClientOptions { CaFile = _certificates.CaFile, ServerNameOverride = "elsewhere.example" });

        await GetAsync(matching, server.BaseUri);
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(mismatching, server.BaseUri));

        Assert.Equal("localhost", Assert.Single(server.Requests).Host);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Min_version_1_3_refuses_a_server_that_speaks_only_1_2()
    {
        await using var server = await RecordingServer.StartAsync(_certificates.Server, protocols: SslProtocols.Tls12);
        using var modern = Client(new TlsClientOptions { CaFile = _certificates.CaFile, MinVersion = "1.3" });
        using var tolerant = Client(new TlsClientOptions { CaFile = _certificates.CaFile, MinVersion = "1.2" });

        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(modern, server.BaseUri));
        await GetAsync(tolerant, server.BaseUri);

        Assert.Single(server.Requests);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_rotated_client_certificate_is_presented_after_the_reload_interval()
    {
        var (certFile, keyFile) = ClientCertificateFiles("CN=before-rotation");
        await using var server = await RecordingServer.StartAsync(_certificates.Server, askClientCertificate: true);
        using var client = Client(new TlsClientOptions
        {
            CaFile = _certificates.CaFile,
            CertFile = certFile,
            KeyFile = keyFile,
            ReloadInterval = TimeSpan.FromMilliseconds(100),
        });
        await GetAsync(client, server.BaseUri);

        _certificates.WriteClientCertificate("CN=after-rotation", certFile, keyFile);

        await EventuallyAsync(client, server, () => server.Requests.Any(r => r.ClientCertificateSubject == "CN=after-rotation"));
        Assert.Equal("CN=before-rotation", server.Requests.First().ClientCertificateSubject);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_certificate_file_caught_broken_keeps_the_last_certificate_and_is_logged_once_until_it_loads()
    {
        var (certFile, keyFile) = ClientCertificateFiles("CN=before-breakage");
        await using var server = await RecordingServer.StartAsync(_certificates.Server, askClientCertificate: true);
        var log = new RecordingLogger();
        var tls = new TlsClientOptions { CaFile = _certificates.CaFile, CertFile = certFile, KeyFile = keyFile, ReloadInterval = TimeSpan.FromMilliseconds(100) };
        using var client = HttpHandlerBuilder.CreateClient(new HttpClientOptions { Tls = tls }, log);
        await GetAsync(client, server.BaseUri);

        await File.WriteAllTextAsync(certFile, "half-written");
        await EventuallyAsync(client, server, () => log.Entries.Count > 0);
        int requestsWhileBroken = server.Requests.Count;
        await EventuallyAsync(client, server, () => server.Requests.Count >= requestsWhileBroken + 3);
        Assert.All(server.Requests, r => Assert.Equal("CN=before-breakage", r.ClientCertificateSubject));
        var warning = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("previous certificates stay in use", warning.Message, StringComparison.Ordinal);

        _certificates.WriteClientCertificate("CN=after-repair", certFile, keyFile);
        await EventuallyAsync(client, server, () => server.Requests.Any(r => r.ClientCertificateSubject == "CN=after-repair"));
        Assert.Equal(2, log.Entries.Count);
        Assert.Equal(LogLevel.Information, log.Entries[1].Level);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_rewritten_ca_file_is_trusted_after_the_reload_interval()
    {
        string caFile = Path.Combine(_certificates.Directory, Guid.NewGuid().ToString("N") + "-ca.pem");
        File.Copy(_certificates.WriteUnrelatedCaFile(), caFile);
        await using var server = await RecordingServer.StartAsync(_certificates.Server);
        using var client = Client(new TlsClientOptions { CaFile = caFile, ReloadInterval = TimeSpan.FromMilliseconds(100) });
        await Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(client, server.BaseUri));

        File.Copy(_certificates.CaFile, caFile, overwrite: true);

        await EventuallyAsync(client, server, () => !server.Requests.IsEmpty);
    }

    /// <summary>A client certificate and key for <paramref name="subject"/>, written in a directory of their own.</summary>
    private (string CertFile, string KeyFile) ClientCertificateFiles(string subject)
    {
        string directory = Path.Combine(_certificates.Directory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string certFile = Path.Combine(directory, "client.pem");
        string keyFile = Path.Combine(directory, "client-key.pem");
        _certificates.WriteClientCertificate(subject, certFile, keyFile);
        return (certFile, keyFile);
    }

    private static HttpClient Client(TlsClientOptions tls) => HttpHandlerBuilder.CreateClient(new HttpClientOptions { Tls = tls });

    private static async Task GetAsync(HttpClient client, Uri uri)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        using var response = await client.GetAsync(uri, deadline.Token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sends until <paramref name="done"/> holds (failures included: the old files may still be in use), or fails at the deadline.</summary>
    private static async Task EventuallyAsync(HttpClient client, RecordingServer server, Func<bool> done)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (!done())
        {
            deadline.Token.ThrowIfCancellationRequested();
            try
            {
                await GetAsync(client, server.BaseUri);
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
