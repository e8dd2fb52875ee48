using Agent.Receivers.HostMetrics.ProcFs;

namespace Agent.Receivers.HostMetrics.Scrapers;

/// <summary>One process's values of one scrape, gathered before any is written so a process that exits half-read writes nothing.</summary>
internal struct ProcessSample(ProcessStat stat)
{
    public readonly ulong ParentPid = stat.ParentPid;
    public readonly ulong UserTicks = stat.UserTicks;
    public readonly ulong SystemTicks = stat.SystemTicks;
    public readonly ulong Threads = stat.Threads;
    public readonly ulong StartTicks = stat.StartTicks;
    public readonly ulong VirtualBytes = stat.VirtualBytes;
    public readonly ulong ResidentPages = stat.ResidentPages;

    public bool HasIo;
    public ulong ReadBytes;
    public ulong WrittenBytes;

    public bool HasSwitches;
    public ulong Voluntary;
    public ulong Involuntary;

    public bool HasDescriptors;
    public int Descriptors;
}
