using Agent.Kubernetes;
using Agent.Tests.Receivers.PodLogs;

namespace Agent.Tests.Kubernetes;

/// <summary>The agent's kubeconfig reader: which file it reads, and that the client gets the file's context.</summary>
public sealed class KubeConfigFileTests
{
    [Fact]
    public void The_configured_path_comes_first_then_every_kubeconfig_entry_then_the_home_directory()
    {
        var both = new Dictionary<string, string?> { ["KUBECONFIG"] = "/a/one:/b/two", ["HOME"] = "/home/me" };
        var homeOnly = new Dictionary<string, string?> { ["HOME"] = "/home/me" };

        Assert.Equal(["/etc/kube/config"], KubeConfigFile.Locate("/etc/kube/config", name => both.GetValueOrDefault(name)));
        Assert.Equal(["/a/one", "/b/two"], KubeConfigFile.Locate(null, name => both.GetValueOrDefault(name)));
        Assert.Equal(["/home/me/.kube/config"], KubeConfigFile.Locate("", name => homeOnly.GetValueOrDefault(name)));
    }

    [Fact]
    public void The_current_context_picks_the_server_the_token_and_the_namespace_and_a_relative_ca_is_read_beside_the_file()
    {
        using var directory = new TempDirectory();
        WriteCa(directory.Combine("ca.crt"));

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

        AssertConnectsTo(KubeConfigFile.Load(path, _ => null), "https://prod.example:6443", "the-token");
    }

    [Fact]
    public void The_files_of_kubeconfig_are_merged_first_definition_first_and_relative_paths_are_read_beside_their_own_file()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        WriteCa(second.Combine("ca.crt"));
        File.WriteAllText(first.Combine("config"), """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster: {server: "https://first.example:6443"}
            contexts:
            - name: prod
              context: {cluster: staging, user: reader, namespace: shop}
            current-context: prod
            """);
        File.WriteAllText(second.Combine("config"), """
            apiVersion: v1
            kind: Config
            clusters:
            - name: staging
              cluster: {server: "https://staging.example:6443", certificate-authority: ca.crt}
            - name: prod
              cluster: {server: "https://second.example:6443"}
            users:
            - name: reader
              user: {token: from-the-second-file}
            contexts:
            - name: prod
              context: {cluster: prod, user: reader}
            current-context: other
            """);
        string listed = string.Join(Path.PathSeparator, "/nonexistent/kubeconfig", first.Combine("config"), second.Combine("config"));

        // The first file's current context and its own definition of "prod"; the cluster and user it names come from
        // the second file, whose CA path is read beside the second file (the first directory holds none).
        AssertConnectsTo(KubeConfigFile.Load(null, name => name == "KUBECONFIG" ? listed : null), "https://staging.example:6443", "from-the-second-file");
    }

    [Fact]
    public void When_no_listed_file_exists_the_error_names_them_all()
    {
        var error = Assert.Throws<FileNotFoundException>(() => KubeConfigFile.Load(null, name => name == "KUBECONFIG" ? "/nonexistent/one:/nonexistent/two" : null));
        Assert.Contains("/nonexistent/one, /nonexistent/two", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error()
    {
        var error = Assert.Throws<FileNotFoundException>(() => KubeConfigFile.Load("/nonexistent/kubeconfig", _ => null));
        Assert.Contains("/nonexistent/kubeconfig", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The server and token given, namespace "shop", and the CA <see cref="WriteCa"/> writes.</summary>
    private static void AssertConnectsTo(k8s.KubernetesClientConfiguration configuration, string server, string token)
    {
        Assert.Equal(server, configuration.Host.TrimEnd('/'));
        Assert.Equal(token, configuration.AccessToken);
        Assert.Equal("shop", configuration.Namespace);
        Assert.Equal("CN=test-ca", Assert.Single(configuration.SslCaCerts).Subject);
    }

    private static void WriteCa(string path)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=test-ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(path, ca.ExportCertificatePem());
    }
}
