using Agent.Receivers.HostMetrics;
using Agent.Receivers.Scraping;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>Fixture files in, node_exporter 1.5's names, labels, types and units out, with the exact values.</summary>
public sealed class PrometheusNamingTests : IDisposable
{
    private readonly HostTree _host = HostFixtures.Host();

    public void Dispose() => _host.Dispose();

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Cpu_seconds_per_cpu_and_mode_and_guest_time_apart()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Cpu = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.Equal(13932.80, scrape.Value("node_cpu_seconds_total", "cpu=0,mode=user"), 6);
        Assert.Equal(133432.92, scrape.Value("node_cpu_seconds_total", "cpu=0,mode=idle"), 6);
        Assert.Equal(0.12, scrape.Value("node_cpu_seconds_total", "cpu=1,mode=steal"), 6);
        Assert.Equal(0.56, scrape.Value("node_cpu_seconds_total", "cpu=1,mode=iowait"), 6);
        Assert.Equal(3.00, scrape.Value("node_cpu_guest_seconds_total", "cpu=1,mode=user"), 6);
        Assert.Equal(0.05, scrape.Value("node_cpu_guest_seconds_total", "cpu=1,mode=nice"), 6);
        Assert.Equal(2 * 8, scrape.Points.Count(p => p.Name == "node_cpu_seconds_total"));
        var point = scrape.Point("node_cpu_seconds_total", "cpu=0,mode=system");
        Assert.Equal(("counter", "s"), (point.Type, point.Unit));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Every_meminfo_field_in_bytes_or_as_a_count()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Memory = new()));

        Assert.Equal(16042172 * 1024.0, scrape.Value("node_memory_MemTotal_bytes"));
        Assert.Equal(8129100 * 1024.0, scrape.Value("node_memory_MemAvailable_bytes"));
        Assert.Equal(4321000 * 1024.0, scrape.Value("node_memory_Active_anon_bytes"));
        Assert.Equal(0, scrape.Value("node_memory_HugePages_Total"));
        Assert.Equal(10, scrape.Points.Count);
        Assert.All(scrape.Points, p => Assert.Equal("gauge", p.Type));
        Assert.Equal("By", scrape.Point("node_memory_Hugepagesize_bytes").Unit);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Load_averages_and_pressure_stall_totals()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Load = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.Equal([0.25, 1.50, 3.75], new[] { "node_load1", "node_load5", "node_load15" }.Select(n => scrape.Value(n)));
        Assert.Equal(5441.812369, scrape.Value("node_pressure_cpu_waiting_seconds_total"), 9);
        Assert.Equal(104.563925, scrape.Value("node_pressure_io_waiting_seconds_total"), 9);
        Assert.Equal(69.135347, scrape.Value("node_pressure_io_stalled_seconds_total"), 9);
        Assert.Equal(1.5, scrape.Value("node_pressure_memory_waiting_seconds_total"), 9);
        Assert.Equal(0.5, scrape.Value("node_pressure_memory_stalled_seconds_total"), 9);
        Assert.DoesNotContain("node_pressure_cpu_stalled_seconds_total", scrape.Names);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task No_pressure_directory_is_not_an_error()
    {
        Directory.Delete(Path.Combine(_host.Root, "proc/pressure"), recursive: true);

        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Load = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.Equal(["node_load1", "node_load5", "node_load15"], scrape.Names);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Diskstats_with_node_exporters_units_and_default_exclusion()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Disk = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.Equal(["device=sdb", "device=vda"], scrape.Points.Where(p => p.Name != "node_disk_info").Select(p => p.Labels).Distinct().Order());
        Assert.Equal(149243, scrape.Value("node_disk_reads_completed_total", "device=vda"));
        Assert.Equal(6483938 * 512.0, scrape.Value("node_disk_read_bytes_total", "device=vda"));
        Assert.Equal(151.424, scrape.Value("node_disk_read_time_seconds_total", "device=vda"), 9);
        Assert.Equal(149966664 * 512.0, scrape.Value("node_disk_written_bytes_total", "device=vda"));
        Assert.Equal(2, scrape.Value("node_disk_io_now", "device=vda"));
        Assert.Equal("gauge", scrape.Point("node_disk_io_now", "device=vda").Type);
        Assert.Equal(870.407, scrape.Value("node_disk_io_time_weighted_seconds_total", "device=vda"), 9);
        Assert.Equal(145907728, scrape.Value("node_disk_discarded_sectors_total", "device=vda"));
        Assert.Equal(32.828, scrape.Value("node_disk_flush_requests_time_seconds_total", "device=vda"), 9);

        // A kernel without discard and flush fields gives the eleven first metrics only.
        Assert.Equal(11, scrape.Points.Count(p => p.Labels == "device=sdb"));
        Assert.Equal(17, scrape.Points.Count(p => p.Labels == "device=vda"));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Disk_info_has_udevs_labels_where_udev_has_a_file_and_empty_ones_elsewhere()
    {
        _host.With("run/udev/data/b254:0", """
            S:disk/by-path/pci-0000:00:05.0
            E:ID_PATH=pci-0000:00:05.0
            E:ID_WWN=0x5002538e4057ebfb
            E:ID_MODEL=Samsung_SSD_860
            E:ID_SERIAL_SHORT=S3Z1NB0K
            E:ID_REVISION=RVT01B6Q
            E:garbage line without an equals sign
            G:systemd

            """);
        _host.With("run/udev/data/b8:0", "E:SCSI_IDENT_SERIAL=ZA1ABC\nE:ID_SERIAL_SHORT=short\n");

        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Disk = new()));

        Assert.Equal(0, scrape.FailedPoints);
        Assert.Equal(
            ["device=sdb,major=8,minor=0,model=,path=,revision=,serial=ZA1ABC,wwn=", "device=vda,major=254,minor=0,model=Samsung_SSD_860,path=pci-0000:00:05.0,revision=RVT01B6Q,serial=S3Z1NB0K,wwn=0x5002538e4057ebfb"],
            scrape.Points.Where(p => p.Name == "node_disk_info").Select(p => p.Labels).Order());
        Assert.All(scrape.Points.Where(p => p.Name == "node_disk_info"), p => Assert.Equal(("gauge", 1.0), (p.Type, p.Value)));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Disk_info_with_an_unreadable_udev_file_is_counted_and_still_emitted()
    {
        Directory.CreateDirectory(Path.Combine(_host.Root, "run/udev/data/b254:0"));

        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Disk = new()));

        Assert.Equal(1, scrape.FailedPoints);
        Assert.Equal(1, scrape.Value("node_disk_info", "device=vda,major=254,minor=0,model=,path=,revision=,serial=,wwn="));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Disk_include_replaces_the_default_exclusion()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Disk = new()
        {
            Include = new DeviceFilterOptions { Devices = ["^(loop|vda)"], MatchType = NameMatch.Regexp },
            Exclude = new DeviceFilterOptions { Devices = ["vda1"] },
        }));

        Assert.Equal(["device=loop0", "device=vda"], scrape.Points.Where(p => p.Name != "node_disk_info").Select(p => p.Labels).Distinct().Order());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Network_counters_per_device_with_nohandler_where_sysfs_has_it()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Network = new()));

        Assert.Empty(scrape.Errors);
        Assert.Equal(327680165, scrape.Value("node_network_receive_bytes_total", "device=eth0"));
        Assert.Equal(1, scrape.Value("node_network_receive_errs_total", "device=eth0"));
        Assert.Equal(2, scrape.Value("node_network_receive_drop_total", "device=eth0"));
        Assert.Equal(6, scrape.Value("node_network_receive_multicast_total", "device=eth0"));
        Assert.Equal(1071420, scrape.Value("node_network_transmit_bytes_total", "device=eth0"));
        Assert.Equal(8, scrape.Value("node_network_transmit_drop_total", "device=eth0"));
        Assert.Equal(10, scrape.Value("node_network_transmit_colls_total", "device=eth0"));
        Assert.Equal(12, scrape.Value("node_network_transmit_compressed_total", "device=eth0"));
        Assert.Equal(42, scrape.Value("node_network_receive_nohandler_total", "device=eth0"));
        Assert.Equal(16, scrape.Points.Count(p => p.Labels == "device=lo"));
        Assert.Equal("By", scrape.Point("node_network_transmit_bytes_total", "device=lo").Unit);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Network_exclude_by_name()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Network = new()
        {
            Exclude = new InterfaceFilterOptions { Interfaces = ["lo"] },
        }));

        Assert.Equal(["device=eth0"], scrape.Points.Select(p => p.Labels).Distinct());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Vmstat_fields_node_exporter_selects_by_default()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Paging = new()));

        Assert.Equal(
            ["node_vmstat_oom_kill", "node_vmstat_pgfault", "node_vmstat_pgmajfault", "node_vmstat_pgpgin", "node_vmstat_pgpgout", "node_vmstat_pswpin", "node_vmstat_pswpout"],
            scrape.Names.Order());
        Assert.Equal(77293993, scrape.Value("node_vmstat_pgfault"));
        Assert.All(scrape.Points, p => Assert.Equal("gauge", p.Type));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Stat_counters_and_process_states()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Processes = new()));

        Assert.Equal(3, scrape.Value("node_procs_running"));
        Assert.Equal(1, scrape.Value("node_procs_blocked"));
        Assert.Equal(2915, scrape.Value("node_forks_total"));
        Assert.Equal(1990473, scrape.Value("node_context_switches_total"));
        Assert.Equal(199292, scrape.Value("node_intr_total"));
        Assert.Equal(1062191376, scrape.Value("node_boot_time_seconds"));
        Assert.Equal("counter", scrape.Point("node_forks_total").Type);
        Assert.Equal("gauge", scrape.Point("node_procs_running").Type);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Counters_start_at_boot_time()
    {
        var options = HostTree.Options(MetricNaming.Prometheus, s => s.Processes = new());
        options.RootPath = _host.Root;
        var scraper = Assert.Single(HostScrapers.Create(options, TimeProvider.System));

        var result = await scraper.ScrapeAsync(CancellationToken.None);

        var forks = result.Metrics.ResourceMetrics[0].ScopeMetrics[0].Metrics.Single(m => m.Name == "node_forks_total");
        Assert.Equal(1062191376UL * 1_000_000_000UL, forks.Sum.DataPoints[0].StartTimeUnixNano);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_switched_off_metric_is_left_out()
    {
        var scrape = await _host.ScrapeAsync(HostTree.Options(MetricNaming.Prometheus, s => s.Load = new()
        {
            Metrics = { ["node_load5"] = new MetricSwitch { Enabled = false }, ["node_load1"] = new MetricSwitch { Enabled = true } },
        }));

        Assert.Contains("node_load1", scrape.Names);
        Assert.DoesNotContain("node_load5", scrape.Names);
    }
}
