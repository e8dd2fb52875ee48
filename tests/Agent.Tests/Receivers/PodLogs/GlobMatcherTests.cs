using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class GlobMatcherTests
{
    [Theory]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods/ns_pod_uid/app/0.log", true)]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods/ns_pod_uid/app/0.log.20240101-120000", false)]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods/ns_pod_uid/0.log", false)]
    [InlineData("/var/log/pods/*/*/*.log", "/var/log/pods/a/b/c/0.log", false)]
    [InlineData("/var/log/pods/kube-system_*/*/*.log", "/var/log/pods/kube-system_dns_1/c/0.log", true)]
    [InlineData("/var/log/pods/kube-system_*/*/*.log", "/var/log/pods/default_dns_1/c/0.log", false)]
    [InlineData("/var/log/pods/*/*/?.log", "/var/log/pods/a/b/1.log", true)]
    [InlineData("/var/log/pods/*/*/?.log", "/var/log/pods/a/b/10.log", false)]
    [InlineData("/var/log/**/*.log", "/var/log/x.log", true)]
    [InlineData("/var/log/**/*.log", "/var/log/a/b/c/x.log", true)]
    [InlineData("/var/log/**/app/**/*.log", "/var/log/a/app/b/x.log", true)]
    [InlineData("/var/log/**/app/**/*.log", "/var/log/a/b/x.log", false)]
    [InlineData("/var/log/*a*b*c", "/var/log/xaxbxc", true)]
    [InlineData("/var/log/*a*b*c", "/var/log/xaxcxb", false)]
    [InlineData("/var/log/app.log", "/var/log/app.log", true)]
    public void Matches_paths(string pattern, string path, bool expected)
    {
        Assert.Equal(expected, new GlobMatcher(pattern).IsMatch(path));
    }

    [Fact]
    public void Knows_where_to_start_looking_and_how_deep()
    {
        var pods = new GlobMatcher("/var/log/pods/*/*/*.log");
        Assert.Equal("/var/log/pods", pods.BaseDirectory);
        Assert.Equal(3, pods.Depth);
        Assert.False(pods.Recursive);

        var single = new GlobMatcher("/var/log/app.log");
        Assert.Equal("/var/log", single.BaseDirectory);
        Assert.Equal(1, single.Depth);

        Assert.True(new GlobMatcher("/var/log/**/*.log").Recursive);
    }
}
