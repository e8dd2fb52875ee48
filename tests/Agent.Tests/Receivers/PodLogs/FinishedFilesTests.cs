using Agent.Receivers.PodLogs;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>
/// When a finished file is forgotten: a storm of renames sets off many looks in a few milliseconds, and a look that
/// stat'ed a name after a rename moved the file away counts as a miss; forgetting a file still there reads it again.
/// </summary>
public class FinishedFilesTests
{
    private const string Directory = "/var/log/pods/ns_pod_uid/app";
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromSeconds(5);
    private static readonly FileIdentity Rotated = new(8, 42, "2026-12-04T10:00:00Z stdout F first line"u8.ToArray());
    private static readonly FileStatus AtItsEnd = new(8, 42, 8100, 1);

    [Fact]
    public void Many_looks_in_a_moment_without_the_file_do_not_forget_it()
    {
        var time = new FakeTimeProvider();
        var finished = Remembering(time);

        for (int look = 0; look < 20; look++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            Miss(finished, looks: 1);
        }

        Assert.True(finished.IsUnchanged(AtItsEnd));
    }

    [Fact]
    public void A_file_missed_by_three_looks_over_the_forget_time_is_forgotten()
    {
        var time = new FakeTimeProvider();
        var finished = Remembering(time);

        Miss(finished, looks: 2);
        time.Advance(ForgetAfter - TimeSpan.FromMilliseconds(1));
        Miss(finished, looks: 1);
        Assert.True(finished.IsUnchanged(AtItsEnd));

        time.Advance(TimeSpan.FromMilliseconds(1));
        Miss(finished, looks: 1);
        Assert.False(finished.IsUnchanged(AtItsEnd));
        Assert.Equal(0, finished.Count);
    }

    [Fact]
    public void Being_seen_again_starts_the_count_and_the_forget_time_afresh()
    {
        var time = new FakeTimeProvider();
        var finished = Remembering(time);

        time.Advance(ForgetAfter * 2);
        Miss(finished, looks: 2);
        finished.Prune([(8, 42)], _ => true);
        Miss(finished, looks: 3);
        Assert.True(finished.IsUnchanged(AtItsEnd));

        time.Advance(ForgetAfter);
        Miss(finished, looks: 1);
        Assert.False(finished.IsUnchanged(AtItsEnd));
    }

    [Fact]
    public void Looks_at_other_directories_count_no_miss()
    {
        var time = new FakeTimeProvider();
        var finished = Remembering(time);

        for (int look = 0; look < 5; look++)
        {
            time.Advance(ForgetAfter);
            finished.Prune([], directory => directory != Directory);
        }

        Miss(finished, looks: 2);
        Assert.True(finished.IsUnchanged(AtItsEnd));

        Miss(finished, looks: 1);
        Assert.False(finished.IsUnchanged(AtItsEnd));
    }

    private static FinishedFiles Remembering(TimeProvider time)
    {
        var finished = new FinishedFiles(time, ForgetAfter);
        finished.Add(Rotated, AtItsEnd, Directory);
        return finished;
    }

    /// <summary>Looks at the file's directory that do not see it.</summary>
    private static void Miss(FinishedFiles finished, int looks)
    {
        for (int look = 0; look < looks; look++)
        {
            finished.Prune([], _ => true);
        }
    }
}
