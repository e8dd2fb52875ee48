namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// One metric of a cgroup value under both namings: cAdvisor's name (<c>prometheus</c>) and the OpenTelemetry name
/// for a container and for a pod (<c>otel</c>: the semantic conventions' and the kubeletstats receiver's names,
/// and the docker_stats receiver's where neither has one).
/// </summary>
internal sealed record ContainerMetric(CgroupValue Value, bool IsCounter, string Unit, string Prometheus, string OtelContainer, string OtelPod, string Description)
{
    /// <summary>Every value metric, in the order they are emitted.</summary>
    public static readonly ContainerMetric[] All =
    [
        Of(CgroupValue.CpuUsageSeconds, true, "s", "container_cpu_usage_seconds_total", "cpu.time", "CPU time used"),
        Of(CgroupValue.CpuUserSeconds, true, "s", "container_cpu_user_seconds_total", "cpu.usage.usermode", "CPU time used in user mode"),
        Of(CgroupValue.CpuSystemSeconds, true, "s", "container_cpu_system_seconds_total", "cpu.usage.kernelmode", "CPU time used in kernel mode"),
        Of(CgroupValue.CfsPeriods, true, "{periods}", "container_cpu_cfs_periods_total", "cpu.throttling_data.periods", "CFS enforcement periods that elapsed"),
        Of(CgroupValue.CfsThrottledPeriods, true, "{periods}", "container_cpu_cfs_throttled_periods_total", "cpu.throttling_data.throttled_periods", "CFS periods in which the cgroup was throttled"),
        Of(CgroupValue.CfsThrottledSeconds, true, "s", "container_cpu_cfs_throttled_seconds_total", "cpu.throttling_data.throttled_time", "Time the cgroup was throttled for"),
        Of(CgroupValue.MemoryUsageBytes, false, "By", "container_memory_usage_bytes", "memory.usage", "Memory in use, page cache included"),
        Of(CgroupValue.MemoryWorkingSetBytes, false, "By", "container_memory_working_set_bytes", "memory.working_set", "Memory in use less inactive file pages (what the kubelet evicts on)"),
        Of(CgroupValue.MemoryRssBytes, false, "By", "container_memory_rss", "memory.rss", "Anonymous memory (RSS)"),
        Of(CgroupValue.MemoryCacheBytes, false, "By", "container_memory_cache", "memory.cache", "Page cache memory"),
        Of(CgroupValue.OomKills, true, "{kills}", "container_oom_events_total", "memory.oom_kills", "Processes of the cgroup killed by the OOM killer"),
        Of(CgroupValue.Threads, false, "{threads}", "container_threads", "pids.count", "Tasks (threads) in the cgroup"),
    ];

    /// <summary>I/O per device, cAdvisor's names by direction; OpenTelemetry's with a <c>disk.io.direction</c> attribute.</summary>
    public static readonly (string ReadBytes, string WriteBytes, string Reads, string Writes) PrometheusIo =
        ("container_fs_reads_bytes_total", "container_fs_writes_bytes_total", "container_fs_reads_total", "container_fs_writes_total");

    public static readonly (string Bytes, string Operations) OtelContainerIo = ("container.disk.io", "container.disk.operations");

    public static readonly (string Bytes, string Operations) OtelPodIo = ("k8s.pod.disk.io", "k8s.pod.disk.operations");

    private static ContainerMetric Of(CgroupValue value, bool isCounter, string unit, string prometheus, string otel, string description) =>
        new(value, isCounter, unit, prometheus, "container." + otel, "k8s.pod." + otel, description);
}
