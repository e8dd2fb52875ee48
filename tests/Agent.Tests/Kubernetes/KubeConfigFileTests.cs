using Agent.Kubernetes;
using Agent.Tests.Receivers.PodLogs;

namespace Agent.Tests.Kubernetes;

/// <summary>The agent's kubeconfig reader: which file it reads, and that the client gets the file's context.</summary>
public sealed class KubeConfigFileTests
{
    [Fact]
    public void The_configured_path_comes_first_then_the_first_kubeconfig_entry_then_the_home_directory()
    {
        var both = new Dictionary<string, string?> { ["KUBECONFIG"] = "/a/one:/b/two", ["HOME"] = "/home/me" };
        var homeOnly = new Dictionary<string, string?> { ["HOME"] = "/home/me" };

        Assert.Equal("/etc/kube/config", KubeConfigFile.Locate("/etc/kube/config", name => both.GetValueOrDefault(name)));
        Assert.Equal("/a/one", KubeConfigFile.Locate(null, name => both.GetValueOrDefault(name)));
        Assert.Equal("/home/me/.kube/config", KubeConfigFile.Locate("", name => homeOnly.GetValueOrDefault(name)));
    }

    [Fact]
    public void The_current_context_picks_the_server_the_token_and_the_namespace_and_a_relative_ca_is_read_beside_the_file()
    {
        using var directory = new TempDirectory();
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            File.WriteAllText(directory.Combine("ca.crt"), ca.ExportCertificatePem());
        }

        string path = directory.Combine("config");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: other
              cluster: {server: "https://other.example:6443"}
            - name: prod
              cluster:
                server: https://prod.example:6443
                certificate-authority: ca.crt
            users:
            - name: reader
              user: {token: the-token}
            contexts:
            - name: other
              context: {cluster: other, user: reader}
            - name: prod
              context: {cluster: prod, user: reader, namespace: shop}
            current-context: prod
            preferences: {}
            """);

        var configuration = KubeConfigFile.Load(path, _ => null);

        Assert.Equal("https://prod.example:6443", configuration.Host.TrimEnd('/'));
        Assert.Equal("the-token", configuration.AccessToken);
        Assert.Equal("shop", configuration.Namespace);
        Assert.Equal("CN=test-ca", Assert.Single(configuration.SslCaCerts).Subject);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error()
    {
        var error = Assert.Throws<FileNotFoundException>(() => KubeConfigFile.Load("/nonexistent/kubeconfig", _ => null));
        Assert.Contains("/nonexistent/kubeconfig", error.Message, StringComparison.Ordinal);
    }
}
