using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class FileDiscoveryTests
{
    [Fact]
    public void Finds_pod_logs_and_leaves_out_rotated_and_excluded_files()
    {
        using var root = new TempDirectory();
        string[] files =
        [
            "pods/ns_a_1/app/0.log",
            "pods/ns_a_1/app/1.log",
            "pods/ns_a_1/app/0.log.20240101-120000",
            "pods/ns_a_1/app/0.log.20240101-110000.gz",
            "pods/ns_a_1/app/0.log.20240101-100000.tmp",
            "pods/ns_a_1/sidecar/0.log.1",
            "pods/ns_a_1/sidecar/0.log",
            "pods/kube-system_b_2/c/0.log",
            "pods/ns_a_1/app/notes.txt",
        ];
        foreach (string file in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(root.Combine(file))!);
            File.WriteAllText(root.Combine(file), "x\n");
        }

        var discovery = new FileDiscovery([root.Path + "/pods/*/*/*.log"], [root.Path + "/pods/kube-system_*/*/*.log", root.Path + "/pods/*/sidecar/*"]);

        var found = discovery.Find();
        Assert.Equal([root.Combine("pods/ns_a_1/app/0.log"), root.Combine("pods/ns_a_1/app/1.log")], found.Live);
        Assert.Equal([root.Combine("pods/ns_a_1/app/0.log.20240101-120000")], found.Rotated);
    }

    [Fact]
    public void A_missing_directory_is_no_error()
    {
        using var root = new TempDirectory();
        Assert.Empty(new FileDiscovery([root.Path + "/nothing/*/*.log"], []).Find().Live);
    }

    [Theory]
    [InlineData("/var/log/pods/a/b/0.log", false)]
    [InlineData("/var/log/pods/a/b/0.log.20240101-120000", true)]
    [InlineData("/var/log/pods/a/b/0.log.20240101-120000.gz", true)]
    [InlineData("/var/log/app.gz", true)]
    public void Knows_rotated_names(string path, bool rotated)
    {
        Assert.Equal(rotated, RotatedName.IsRotated(path));
    }

    [Theory]
    [InlineData("/var/log/pods/a/b/0.log.20240101-120000", "/var/log/pods/a/b/0.log")]
    [InlineData("/var/log/app/x.log.3", "/var/log/app/x.log")]
    [InlineData("/var/log/pods/a/b/0.log.20240101-120000.gz", null)]
    [InlineData("/var/log/pods/a/b/0.log.20240101-120000.tmp", null)]
    [InlineData("/var/log/pods/a/b/0.log.", null)]
    [InlineData("/var/log/pods/a/b/0.log", null)]
    [InlineData("/var/log.1/pods/0.txt", null)]
    public void Knows_which_rotated_names_are_read_and_whose_they_are(string path, string? live)
    {
        Assert.Equal(live, RotatedName.LivePathOf(path));
    }

    [Fact]
    public void Looks_in_given_directories_only_without_descending()
    {
        using var root = new TempDirectory();
        foreach (string file in new[] { "pods/ns_a_1/app/0.log", "pods/ns_a_1/app/0.log.3", "pods/ns_b_2/app/0.log" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(root.Combine(file))!);
            File.WriteAllText(root.Combine(file), "x\n");
        }

        var found = new FileDiscovery([root.Path + "/pods/*/*/*.log"], []).FindIn([root.Combine("pods/ns_a_1/app"), root.Combine("pods")]);

        Assert.Equal([root.Combine("pods/ns_a_1/app/0.log")], found.Live);
        Assert.Equal([root.Combine("pods/ns_a_1/app/0.log.3")], found.Rotated);
    }
}
