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
}
