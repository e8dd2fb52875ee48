using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class PodLogPathTests
{
    [Fact]
    public void Reads_namespace_pod_uid_container_and_restart_from_a_kubelet_path()
    {
        Assert.True(PodLogPath.TryParse("/var/log/pods/kube-system_coredns-5d78c9869d-abcde_0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/coredns/12.log", out var pod));
        Assert.Equal(new PodLogPath("kube-system", "coredns-5d78c9869d-abcde", "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "coredns", 12), pod);
    }

    [Theory]
    [InlineData("/var/log/syslog")]
    [InlineData("/var/log/pods/ns_pod/app/0.log")]
    [InlineData("/var/log/pods/ns_pod_uid/app/zero.log")]
    [InlineData("/var/log/pods/ns_pod_uid/app/0.txt")]
    [InlineData("/var/log/pods/_pod_uid/app/0.log")]
    public void Other_paths_have_no_pod(string path)
    {
        Assert.False(PodLogPath.TryParse(path, out _));
    }

    [Fact]
    public void The_resource_carries_the_kubernetes_attributes_and_the_file_path_when_asked()
    {
        const string Path = "/var/log/pods/shop_cart-7f9c_11111111-2222-3333-4444-555555555555/cart/3.log";
        var resource = PodLogPath.ResourceFor(Path, includeFilePath: true, includeFileName: true);
        var attributes = resource.Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal("shop", attributes["k8s.namespace.name"].StringValue);
        Assert.Equal("cart-7f9c", attributes["k8s.pod.name"].StringValue);
        Assert.Equal("11111111-2222-3333-4444-555555555555", attributes["k8s.pod.uid"].StringValue);
        Assert.Equal("cart", attributes["k8s.container.name"].StringValue);
        Assert.Equal(3, attributes["k8s.container.restart_count"].IntValue);
        Assert.Equal(Path, attributes["log.file.path"].StringValue);
        Assert.Equal("3.log", attributes["log.file.name"].StringValue);

        Assert.DoesNotContain(PodLogPath.ResourceFor(Path, false, false).Attributes, a => a.Key.StartsWith("log.file", StringComparison.Ordinal));
    }
}
