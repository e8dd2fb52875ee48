using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class FileIdentityTests
{
    [Fact]
    public void A_renamed_file_keeps_its_identity_and_the_new_file_at_its_path_has_another()
    {
        using var directory = new TempDirectory();
        string path = directory.Combine("0.log");
        File.WriteAllText(path, "first file\n");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var identity = FileIdentity.Read(handle, 1000);

        File.Move(path, path + ".20240101-120000");
        File.WriteAllText(path, "second file\n");
        var renamed = FileStatus.Of(handle);
        var replacement = FileStatus.Of(path);

        Assert.Equal("first file\n"u8.ToArray(), identity.Fingerprint);
        Assert.NotNull(replacement);
        Assert.Equal((identity.Device, identity.Inode), (renamed.Device, renamed.Inode));
        Assert.Equal(11, renamed.Size);
        Assert.Equal(1u, renamed.Links);
        if (FileStatus.Supported)
        {
            Assert.NotEqual(0UL, identity.Inode);
            Assert.NotEqual(identity.Inode, replacement.Value.Inode);
        }
    }

    [Fact]
    public void A_deleted_file_has_no_links_left()
    {
        using var directory = new TempDirectory();
        string path = directory.Combine("0.log");
        File.WriteAllText(path, "x\n");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        File.Delete(path);

        Assert.Null(FileStatus.Of(path));
        if (FileStatus.Supported)
        {
            Assert.Equal(0u, FileStatus.Of(handle).Links);
        }
    }

    [Fact]
    public void The_fingerprint_grows_with_a_small_file_up_to_its_size()
    {
        using var directory = new TempDirectory();
        string path = directory.Combine("0.log");
        File.WriteAllText(path, "ab");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var identity = FileIdentity.Read(handle, 4);
        File.AppendAllText(path, "cdef");
        identity.Refresh(handle, 4, 6);

        Assert.Equal("abcd"u8.ToArray(), identity.Fingerprint);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00012")]
    [InlineData("0001299 file 0004")]
    public void A_file_holding_fewer_or_other_first_bytes_on_a_known_inode_is_a_new_file(string current)
    {
        var read = new FileIdentity(8, 42, "0001234 file 0003 xxxx"u8.ToArray());
        var now = new FileIdentity(8, 42, System.Text.Encoding.ASCII.GetBytes(current));

        Assert.False(read.SameFileAs(now));
    }

    [Fact]
    public void The_same_file_grown_since_is_the_same_file_and_not_on_another_inode()
    {
        var read = new FileIdentity(8, 42, "0001234 file"u8.ToArray());

        Assert.True(read.SameFileAs(new FileIdentity(8, 42, "0001234 file 0003 xxxx"u8.ToArray())));
        Assert.True(read.SameFileAs(new FileIdentity(8, 42, "0001234 file"u8.ToArray())));
        Assert.False(read.SameFileAs(new FileIdentity(8, 43, "0001234 file 0003 xxxx"u8.ToArray())));
    }

    [Fact]
    public void A_finished_file_whose_inode_now_holds_an_empty_file_gives_no_offset_to_resume_at()
    {
        var finished = new FinishedFiles(TimeProvider.System, TimeSpan.FromSeconds(5));
        var identity = new FileIdentity(8, 42, "0001234 file 0003 xxxx"u8.ToArray());
        finished.Add(identity, new FileStatus(8, 42, 8100, 1), "/var/log/pods/ns_pod_uid/app");

        Assert.Null(finished.ResumeOffset(new FileIdentity(8, 42, [])));

        finished.Add(identity, new FileStatus(8, 42, 8100, 1), "/var/log/pods/ns_pod_uid/app");
        Assert.Equal(8100, finished.ResumeOffset(new FileIdentity(8, 42, "0001234 file 0003 xxxx yyyy"u8.ToArray())));
    }
}
