using System.Diagnostics;
using Agent.Receivers.HostMetrics;
using Agent.Receivers.HostMetrics.ProcFs;
using Agent.Receivers.HostMetrics.Scrapers;
using Agent.Receivers.Scraping;
using Agent.Tests.Config;

namespace Agent.Tests.Receivers.HostMetrics;

/// <summary>The per-process scraper over fake /proc trees, and once over this machine's own /proc.</summary>
public sealed class ProcessScraperTests : IDisposable
{
    private readonly HostTree _host = new HostTree()
        .With("proc/stat", HostFixtures.Stat)
        .With("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nbroken line\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n");

    public void Dispose() => _host.Dispose();

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task One_resource_per_process_with_the_collectors_attributes_and_metrics()
    {
        _host.WithProcess(4242, "nginx", "nginx: worker process", "/usr/sbin/nginx", ppid: 4200, utime: 250, stime: 50, rssPages: 100, vsize: 123456789, uid: 33);

        var (result, processes) = await ProcessTree.ScrapeAsync(_host.Root, ProcessTree.Options());

        Assert.Equal(0, result.FailedPoints);
        var nginx = Assert.Single(processes);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["process.pid"] = "4242",
                ["process.parent_pid"] = "4200",
                ["process.executable.name"] = "nginx",
                ["process.executable.path"] = "/usr/sbin/nginx",
                ["process.command"] = "nginx:",
                ["process.command_line"] = "nginx: worker process",
                ["process.owner"] = "www-data",
            },
            nginx.Attributes);
        Assert.Equal(2.5, nginx.Value("process.cpu.time", "state=user"));
        Assert.Equal(0.5, nginx.Value("process.cpu.time", "state=system"));
        Assert.Equal(100.0 * Environment.SystemPageSize, nginx.Value("process.memory.usage"));
        Assert.Equal(123456789, nginx.Value("process.memory.virtual"));
        Assert.Equal(4096, nginx.Value("process.disk.io", "direction=read"));
        Assert.Equal(8192, nginx.Value("process.disk.io", "direction=write"));
        Assert.Equal(["process.cpu.time", "process.disk.io", "process.memory.usage", "process.memory.virtual"], nginx.Points.Select(p => p.Name).Distinct().Order());
        var cpu = nginx.Metrics.Single(m => m.Name == "process.cpu.time");
        Assert.True(cpu.Sum.IsMonotonic);
        Assert.Equal("s", cpu.Unit);

        // Sums start when the process did: boot (btime of /proc/stat) + starttime ticks.
        Assert.Equal((1062191376UL * 1_000_000_000) + (1000UL * 10_000_000), cpu.Sum.DataPoints[0].StartTimeUnixNano);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task With_an_unusable_boot_time_a_processs_sums_start_no_later_than_their_time_stamp()
    {
        _host.With("proc/stat", HostFixtures.Stat.Replace("btime 1062191376", "btime 15035348993", StringComparison.Ordinal));
        _host.WithProcess(4242, "nginx", "nginx: worker process", "/usr/sbin/nginx", utime: 250, stime: 50);

        var (_, processes) = await ProcessTree.ScrapeAsync(_host.Root, ProcessTree.Options());

        // Boot is taken as the receiver's start, and the process started 10 s after boot: after now, so now.
        var cpu = Assert.Single(processes).Metrics.Single(m => m.Name == "process.cpu.time");
        Assert.All(cpu.Sum.DataPoints, p => Assert.Equal(p.TimeUnixNano, p.StartTimeUnixNano));
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Optional_metrics_are_off_until_switched_on()
    {
        _host.WithProcess(10, "postgres", "/usr/lib/postgresql/bin/postgres -D /data", "/usr/lib/postgresql/bin/postgres", threads: 7);
        _host.With("proc/10/fd/0", string.Empty).With("proc/10/fd/1", string.Empty).With("proc/10/fd/2", string.Empty);

        var (_, processes) = await ProcessTree.ScrapeAsync(_host.Root, ProcessTree.Options(p =>
        {
            p.Metrics["process.threads"] = new MetricSwitch();
            p.Metrics["process.open_file_descriptors"] = new MetricSwitch();
            p.Metrics["process.context_switches"] = new MetricSwitch();
            p.Metrics["process.disk.io"] = new MetricSwitch { Enabled = false };
        }));

        var postgres = Assert.Single(processes);
        Assert.Equal(7, postgres.Value("process.threads"));
        Assert.Equal(3, postgres.Value("process.open_file_descriptors"));
        Assert.Equal(77, postgres.Value("process.context_switches", "context_switch_type=voluntary"));
        Assert.Equal(5, postgres.Value("process.context_switches", "context_switch_type=involuntary"));
        Assert.DoesNotContain(postgres.Points, p => p.Name == "process.disk.io");
        Assert.Equal("/usr/lib/postgresql/bin/postgres", postgres.Attributes["process.command"]);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_name_cut_at_15_bytes_is_lengthened_from_the_command_and_filters_apply_to_it()
    {
        _host.WithProcess(20, "kube-controller", "/usr/local/bin/kube-controller-manager --v=2", "/usr/local/bin/kube-controller-manager");
        _host.WithProcess(21, "sshd", "sshd: /usr/sbin/sshd -D", "/usr/sbin/sshd");
        _host.WithProcess(22, "bash", "-bash", "/usr/bin/bash");

        var (_, processes) = await ProcessTree.ScrapeAsync(_host.Root, ProcessTree.Options(p =>
        {
            p.Include = new ProcessNameFilterOptions { Names = ["^kube-", "^sshd$", "^bash$"], MatchType = NameMatch.Regexp };
            p.Exclude = new ProcessNameFilterOptions { Names = ["bash"] };
        }));

        Assert.Equal(["kube-controller-manager", "sshd"], processes.Select(p => p.Name).Order());
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Unreadable_executable_io_and_user_are_counted_once_per_process_unless_muted()
    {
        _host.WithProcess(2, "kthreadd", string.Empty, exe: null);
        _host.WithProcess(30, "app", "/opt/app", "/opt/app", uid: 1234);
        File.Delete(Path.Combine(_host.Root, "proc/30/io"));
        Directory.CreateDirectory(Path.Combine(_host.Root, "proc/30/io"));

        var options = ProcessTree.Options();
        var (counted, processes) = await ProcessTree.ScrapeAsync(_host.Root, options);

        // kthreadd has no exe link (skipped), app's io cannot be read and uid 1234 has no passwd line.
        Assert.Equal(3, counted.FailedPoints);
        var app = Assert.Single(processes);
        Assert.False(app.Attributes.ContainsKey("process.owner"));
        Assert.DoesNotContain(app.Points, p => p.Name == "process.disk.io");
        Assert.Equal(2.5, app.Value("process.cpu.time", "state=user"));

        var (muted, mutedProcesses) = await ProcessTree.ScrapeAsync(_host.Root, ProcessTree.Options(p =>
        {
            p.MuteProcessExeError = true;
            p.MuteProcessIoError = true;
            p.MuteProcessUserError = true;
        }));
        Assert.Equal(0, muted.FailedPoints);
        Assert.Equal("app", Assert.Single(mutedProcesses).Name);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Garbage_and_truncated_stat_files_are_counted_and_the_others_still_read()
    {
        _host.WithProcess(40, "ok", "/bin/ok", "/bin/ok");
        _host.WithProcess(41, "cut", "/bin/cut", "/bin/cut").With("proc/41/stat", "41 (cut) S 1 41 41 0 -1 4194560 100 0 0 0 250");
        _host.WithProcess(42, "junk", "/bin/junk", "/bin/junk").With("proc/42/stat", "\u0001\u00ff garbage (((");
        _host.WithProcess(43, "io", "/bin/io", "/bin/io", io: "rchar: 1\n");
        _host.With("proc/self/stat", "not a pid directory").With("proc/99999999999/stat", "too long to be a pid");

        var (result, processes) = await ProcessTree.ScrapeAsync(_host.Root, ProcessTree.Options());

        Assert.Equal(3, result.FailedPoints);
        Assert.Equal(["io", "ok"], processes.Select(p => p.Name).Order());
        Assert.DoesNotContain(processes.Single(p => p.Name == "io").Points, p => p.Name == "process.disk.io");
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_process_that_exits_after_being_listed_is_skipped_without_error()
    {
        var options = ProcessTree.Options();
        options.RootPath = _host.Root;
        var scraper = (ProcessScraper)Assert.Single(HostScrapers.Create(options, TimeProvider.System));
        var writer = new HostMetricWriter("test", new HashSet<string>(), new ProcFileReader(), 1, 2);

        scraper.ScrapeProcess(writer, new ProcessEntry(Path.Combine(_host.Root, "proc/777"), 777));

        Assert.Equal(0, writer.FailedPoints);
        Assert.Empty(writer.Finish().SelectMany(r => r.ScopeMetrics));
        await Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_missing_proc_fails_the_scrape_as_one_counted_point()
    {
        var (result, processes) = await ProcessTree.ScrapeAsync(Path.Combine(_host.Root, "nowhere"), ProcessTree.Options());

        Assert.Equal(1, result.FailedPoints);
        Assert.Empty(processes);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task This_machine_reports_the_test_process_itself()
    {
        using var self = Process.GetCurrentProcess();
        var (_, processes) = await ProcessTree.ScrapeAsync("/", ProcessTree.Options(p => p.MuteProcessExeError = true));

        var me = Assert.Single(processes, p => p.Attributes["process.pid"] == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Environment.ProcessPath, me.Attributes["process.executable.path"]);
        Assert.True(me.Value("process.cpu.time", "state=user") > 0);
        double rss = me.Value("process.memory.usage");
        Assert.InRange(rss, self.WorkingSet64 / 2.0, self.WorkingSet64 * 2.0);
    }

    [Fact]
    public void The_collectors_config_binds_and_unknown_metric_names_are_errors()
    {
        var (options, errors) = Binding.Bind<HostMetricsReceiverOptions>("""
            scrapers:
              process:
                include: {names: ["^java$"], match_type: regexp}
                mute_process_exe_error: true
                mute_process_io_error: true
                metrics:
                  process.threads: {enabled: true}
                  process.cpu.utilization: {enabled: true}
            """);

        var process = options.Scrapers.Process!;
        Assert.Equal(["^java$"], process.Include!.Names);
        Assert.True(process.MuteProcessExeError && process.MuteProcessIoError && !process.MuteProcessUserError);
        Assert.Equal(["inline.yaml:8:7: x.scrapers.process.metrics.process.cpu.utilization: is not a metric of the process scraper (process.cpu.time, process.memory.usage, process.memory.virtual, process.disk.io, process.threads, process.open_file_descriptors, process.context_switches)"], errors);
        Assert.DoesNotContain("process.threads", process.DisabledMetrics());
        Assert.Contains("process.context_switches", process.DisabledMetrics());
    }
}
