using Agent.Service;

namespace Agent.Tests.Service;

public sealed class StartupPageReleaseTests
{
    private static readonly string[] Maps =
    [
        "00400000-00405000 r--p 00000000 08:01 1234                               /opt/my agent/agent",
        "00405000-013ed000 r-xp 00005000 08:01 1234                               /opt/my agent/agent",
        "7f0000000000-7f0000021000 rw-p 00000000 00:00 0 ",
        "7f1000000000-7f1000100000 r-xp 00000000 08:01 99                         /usr/lib/x86_64-linux-gnu/libc.so.6",
        "02040000-032c2000 rw-p 01c3f000 08:01 1234                               /opt/my agent/agent",
        "7f2000000000-7f2000001000 r--p 00000000 08:01 77                         /opt/my agent/agent.old",
        "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]",
    ];

    [Fact]
    public void Only_the_mappings_of_the_executable_are_taken_with_their_exact_ranges()
    {
        var mappings = StartupPageRelease.MappingsOf("/opt/my agent/agent", Maps).ToList();

        Assert.Equal(
            [((nint)0x00400000, (nuint)0x5000), ((nint)0x00405000, (nuint)(0x013ed000 - 0x00405000)), ((nint)0x02040000, (nuint)(0x032c2000 - 0x02040000))],
            mappings);
    }

    [Fact]
    public void An_executable_replaced_on_disk_since_start_is_left_alone()
    {
        string[] replaced = ["00400000-00405000 r--p 00000000 08:01 1234    /usr/local/bin/agent (deleted)"];

        Assert.Empty(StartupPageRelease.MappingsOf("/usr/local/bin/agent", replaced));
    }
}
