using Agent.Receivers.Scraping;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>The same fixture files, the semantic conventions' names and attributes out, computed as the Collector does.</summary>
public sealed class OtelNamingTests : IDisposable
{
    private readonly HostTree _host = HostFixtures.Host();

    public void Dispose() => _host.Dispose();

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Cpu_time_by_cpu_and_state()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Cpu = new()));

        Assert.Equal(["system.cpu.time"], scrape.Names);
        Assert.Equal(16, scrape.Points.Count);
        Assert.Equal(13932.80, scrape.Value("system.cpu.time", "cpu=cpu0,state=user"), 6);
        Assert.Equal(0.56, scrape.Value("system.cpu.time", "cpu=cpu1,state=wait"), 6);
        Assert.Equal(178.75, scrape.Value("system.cpu.time", "cpu=cpu0,state=softirq"), 6);
        Assert.Equal(("counter", "s"), (scrape.Points[0].Type, scrape.Points[0].Unit));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Memory_usage_by_state()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Memory = new()));

        const double KiB = 1024;
        Assert.Equal((16042172 - 450320 - 295460 - 7263712 - 500000) * KiB, scrape.Value("system.memory.usage", "state=used"));
        Assert.Equal(450320 * KiB, scrape.Value("system.memory.usage", "state=free"));
        Assert.Equal(295460 * KiB, scrape.Value("system.memory.usage", "state=buffered"));
        Assert.Equal((7263712 + 500000) * KiB, scrape.Value("system.memory.usage", "state=cached"));
        Assert.Equal(500000 * KiB, scrape.Value("system.memory.usage", "state=slab_reclaimable"));
        Assert.Equal(120000 * KiB, scrape.Value("system.memory.usage", "state=slab_unreclaimable"));
        Assert.All(scrape.Points, p => Assert.Equal(("updown", "By"), (p.Type, p.Unit)));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Load_average_and_processes()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s =>
        {
            s.Load = new();
            s.Processes = new();
        }));

        Assert.Equal(1.5, scrape.Value("system.cpu.load_average.5m"));
        Assert.Equal("{thread}", scrape.Point("system.cpu.load_average.15m").Unit);
        Assert.Equal(3, scrape.Value("system.processes.count", "status=running"));
        Assert.Equal(1, scrape.Value("system.processes.count", "status=blocked"));
        Assert.Equal(2915, scrape.Value("system.processes.created"));
        Assert.DoesNotContain(scrape.Names, name => name.StartsWith("node_", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Pressure_stall_time_by_resource_and_type()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Load = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.Equal(
            ["resource=cpu,type=some", "resource=io,type=full", "resource=io,type=some", "resource=memory,type=full", "resource=memory,type=some"],
            scrape.Points.Where(p => p.Name == "system.pressure.stall_time").Select(p => p.Labels).Order());
        Assert.Equal(5441.812369, scrape.Value("system.pressure.stall_time", "resource=cpu,type=some"), 9);
        Assert.Equal(69.135347, scrape.Value("system.pressure.stall_time", "resource=io,type=full"), 9);
        Assert.Equal(0.5, scrape.Value("system.pressure.stall_time", "resource=memory,type=full"), 9);
        Assert.Equal(("counter", "s"), (scrape.Point("system.pressure.stall_time", "resource=io,type=some").Type, scrape.Point("system.pressure.stall_time", "resource=io,type=some").Unit));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task No_pressure_directory_is_not_an_error()
    {
        Directory.Delete(Path.Combine(_host.Root, "proc/pressure"), recursive: true);

        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Load = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.DoesNotContain("system.pressure.stall_time", scrape.Names);
        Assert.Equal(1.5, scrape.Value("system.cpu.load_average.5m"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Disk_io_by_device_and_direction_of_every_device()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Disk = new()));

        Assert.Equal(4, scrape.Points.Where(p => p.Name == "system.disk.io").Count() / 2);
        Assert.Equal(6483938 * 512.0, scrape.Value("system.disk.io", "device=vda,direction=read"));
        Assert.Equal(149966664 * 512.0, scrape.Value("system.disk.io", "device=vda,direction=write"));
        Assert.Equal(107584, scrape.Value("system.disk.operations", "device=vda,direction=write"));
        Assert.Equal(125763, scrape.Value("system.disk.merged", "device=vda,direction=write"));
        Assert.Equal(589.821, scrape.Value("system.disk.operation_time", "device=vda,direction=write"), 9);
        Assert.Equal(173.116, scrape.Value("system.disk.io_time", "device=vda"), 9);
        Assert.Equal(870.407, scrape.Value("system.disk.weighted_io_time", "device=vda"), 9);
        Assert.Equal(2, scrape.Value("system.disk.pending_operations", "device=vda"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Network_by_device_and_direction()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Network = new()));

        Assert.Equal(327680165, scrape.Value("system.network.io", "device=eth0,direction=receive"));
        Assert.Equal(10957, scrape.Value("system.network.packets", "device=eth0,direction=transmit"));
        Assert.Equal(7, scrape.Value("system.network.errors", "device=eth0,direction=transmit"));
        Assert.Equal(2, scrape.Value("system.network.dropped", "device=eth0,direction=receive"));
        Assert.Equal(["system.network.dropped", "system.network.errors", "system.network.io", "system.network.packets"], scrape.Names.Order());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Paging_usage_operations_and_faults()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Otel, s => s.Paging = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.Equal(1024 * 1024.0, scrape.Value("system.paging.usage", "device=/dev/zram0,state=used"));
        Assert.Equal((4194300 - 1024) * 1024.0, scrape.Value("system.paging.usage", "device=/dev/zram0,state=free"));
        Assert.Equal(7, scrape.Value("system.paging.operations", "direction=page_in,type=major"));
        Assert.Equal(74983332, scrape.Value("system.paging.operations", "direction=page_out,type=minor"));
        Assert.Equal(11283, scrape.Value("system.paging.faults", "type=major"));
        Assert.Equal(77293993 - 11283, scrape.Value("system.paging.faults", "type=minor"));
    }
}
