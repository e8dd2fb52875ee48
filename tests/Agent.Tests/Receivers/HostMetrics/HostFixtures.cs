namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>The /proc and /sys files of a small two-CPU host, as a 6.x kernel writes them.</summary>
internal static class HostFixtures
{
    public const string Stat = """
        cpu  10132153 290696 3084719 46828483 16683 0 25195 0 175628 0
        cpu0 1393280 32966 572056 13343292 6130 0 17875 0 23933 0
        cpu1 1335 7 2093 30010 56 0 99 12 300 5
        intr 199292 0 9 0 0 0 0 0 0 1
        ctxt 1990473
        btime 1062191376
        processes 2915
        procs_running 3
        procs_blocked 1
        softirq 12121 0 1 2

        """;

    public const string Meminfo = """
        MemTotal:       16042172 kB
        MemFree:          450320 kB
        MemAvailable:    8129100 kB
        Buffers:          295460 kB
        Cached:          7263712 kB
        Active(anon):    4321000 kB
        SReclaimable:     500000 kB
        SUnreclaim:       120000 kB
        HugePages_Total:       0
        Hugepagesize:       2048 kB

        """;

    public const string Loadavg = "0.25 1.50 3.75 2/1234 5678\n";

    public const string CpuPressure = "some avg10=0.00 avg60=0.00 avg300=0.00 total=5441812369\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";

    public const string IoPressure = "some avg10=0.00 avg60=0.00 avg300=0.00 total=104563925\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=69135347\n";

    public const string MemoryPressure = "some avg10=0.00 avg60=0.00 avg300=0.00 total=1500000\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=500000\n";

    public const string Diskstats = """
           7       0 loop0 5 0 10 1 0 0 0 0 0 2 1 0 0 0 0 0 0
         254       0 vda 149243 12892 6483938 151424 107584 125763 149966664 589821 2 173116 870407 117454 114 145907728 96333 9452 32828
         254       1 vda1 100 0 200 10 0 0 0 0 0 10 10 0 0 0 0 0 0
           8       0 sdb 4 5 6 7 8 9 10 11 0 12 13

        """;

    public const string NetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo: 1000 10 0 0 0 0 0 0 1000 10 0 0 0 0 0 0
          eth0:327680165   13921    1    2    3     4          5         6  1071420   10957    7    8    9     10       11          12

        """;

    public const string Vmstat = """
        nr_free_pages 112580
        pgpgin 3241069
        pgpgout 74983332
        pswpin 7
        pswpout 9
        pgfault 77293993
        pgmajfault 11283
        pgrefill 0
        oom_kill 2
        thp_fault_alloc 3

        """;

    public const string Swaps = """
        Filename				Type		Size		Used		Priority
        /dev/zram0                              partition	4194300		1024		100

        """;

    public static HostTree Host() => new HostTree()
        .With("proc/stat", Stat)
        .With("proc/meminfo", Meminfo)
        .With("proc/loadavg", Loadavg)
        .With("proc/pressure/cpu", CpuPressure)
        .With("proc/pressure/io", IoPressure)
        .With("proc/pressure/memory", MemoryPressure)
        .With("proc/diskstats", Diskstats)
        .With("proc/net/dev", NetDev)
        .With("sys/class/net/eth0/statistics/rx_nohandler", "42\n")
        .With("proc/vmstat", Vmstat)
        .With("proc/swaps", Swaps);
}
