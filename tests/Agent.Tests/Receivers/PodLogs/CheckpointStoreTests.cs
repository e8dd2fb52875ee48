using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class CheckpointStoreTests
{
    [Fact]
    public void Positions_survive_a_reload_and_are_claimed_by_the_same_file_once()
    {
        using var directory = new TempDirectory();
        var store = CheckpointStore.Load(directory.Path);
        Assert.False(store.Existed);
        var identity = new FileIdentity(8, 42, "2024-01-01T12:00:00Z stdout F first"u8.ToArray());
        store.Set(identity, "/var/log/pods/a_b_c/d/0.log", new TailPosition(1234, 1000, -1));
        store.Save();
        Assert.False(File.Exists(Path.Combine(directory.Path, CheckpointStore.FileName + ".tmp")));

        var reloaded = CheckpointStore.Load(directory.Path);
        Assert.True(reloaded.Existed);

        // The file has grown since: its fingerprint is longer but starts with the stored one.
        var grown = new FileIdentity(8, 42, "2024-01-01T12:00:00Z stdout F first line and more"u8.ToArray());
        Assert.Equal(new TailPosition(1234, 1000, -1), reloaded.Claim(grown));
        Assert.Null(reloaded.Claim(grown));
    }

    [Fact]
    public void A_reused_inode_with_other_content_is_a_new_file()
    {
        using var directory = new TempDirectory();
        var store = CheckpointStore.Load(directory.Path);
        store.Set(new FileIdentity(8, 42, "old content"u8.ToArray()), "/x/0.log", new TailPosition(500));
        store.Save();

        var reloaded = CheckpointStore.Load(directory.Path);
        Assert.Null(reloaded.Claim(new FileIdentity(8, 42, "new content"u8.ToArray())));
        Assert.Null(reloaded.Claim(new FileIdentity(9, 42, "old content"u8.ToArray())));
    }

    [Fact]
    public void Unclaimed_positions_are_dropped_and_removed_files_forgotten()
    {
        using var directory = new TempDirectory();
        var store = CheckpointStore.Load(directory.Path);
        var kept = new FileIdentity(1, 1, "a"u8.ToArray());
        var removed = new FileIdentity(1, 2, "b"u8.ToArray());
        store.Set(kept, "/a", new TailPosition(1));
        store.Set(removed, "/b", new TailPosition(2));
        store.Remove(removed);
        store.Save();

        var reloaded = CheckpointStore.Load(directory.Path);
        Assert.Equal(1, reloaded.Count);
        reloaded.DropUnclaimed();
        reloaded.Save();
        Assert.Equal(0, CheckpointStore.Load(directory.Path).Count);
    }

    [Fact]
    public void A_later_save_writes_only_the_state_it_has_then()
    {
        using var directory = new TempDirectory();
        var store = CheckpointStore.Load(directory.Path);
        var identities = Enumerable.Range(1, 4).Select(inode => new FileIdentity(1, (ulong)inode, [(byte)inode])).ToList();
        foreach (var identity in identities)
        {
            store.Set(identity, $"/var/log/pods/ns_pod-{identity.Inode}_uid/container/0.log", new TailPosition((long)identity.Inode * 10));
        }

        store.Save();
        var kept = identities[0];

        // The second document is shorter than the first, written by the same store.
        identities.Skip(1).ToList().ForEach(store.Remove);
        store.Set(kept, "/k", new TailPosition(30));
        store.Save();

        var errors = new List<Exception>();
        var reloaded = CheckpointStore.Load(directory.Path, errors.Add);
        Assert.Empty(errors);
        Assert.Equal(1, reloaded.Count);
        Assert.Equal(new TailPosition(30), reloaded.Claim(kept));
    }

    [Fact]
    public void A_corrupt_file_is_reported_and_read_as_empty()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(Path.Combine(directory.Path, CheckpointStore.FileName), "{ not json");
        Exception? reported = null;

        var store = CheckpointStore.Load(directory.Path, ex => reported = ex);

        Assert.NotNull(reported);
        Assert.Equal(0, store.Count);
        Assert.True(store.Existed);
    }
}
