using System.Text;
using Agent.Core.Config;
using Agent.Receivers.Prometheus;
using Agent.Receivers.Prometheus.Exposition;
using Agent.Receivers.Prometheus.Relabeling;
using Agent.Receivers.Prometheus.Scraping;
using OpenTelemetry.Proto.Metrics.V1;

namespace Agent.Tests.Receivers.Prometheus;

public class ScrapeAssemblerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> TargetLabels = new() { ["job"] = "node", ["instance"] = "127.0.0.1:9100", ["env"] = "prod" };

    private static (ScopeMetrics Metrics, ScopeMetrics Stale, ScrapeOutcome Outcome) Scrape(ScrapeAssembler assembler, string text, ExpositionFormat format = ExpositionFormat.Text, DateTimeOffset? at = null)
    {
        var outcome = new ScrapeOutcome();
        assembler.Read(Encoding.UTF8.GetBytes(text), format, at ?? Now, outcome);
        var metrics = new ScopeMetrics();
        var stale = new ScopeMetrics();
        if (outcome.Failure is null)
        {
            GroupWriter.Write(metrics, assembler.Seen, stale: false, 0);
        }

        GroupWriter.Write(stale, assembler.Gone, stale: true, 1);
        return (metrics, stale, outcome);
    }

    private static string Attributes(Google.Protobuf.Collections.RepeatedField<OpenTelemetry.Proto.Common.V1.KeyValue> attributes) =>
        string.Join(",", attributes.Select(a => a.Key + "=" + a.Value.StringValue));

    [Theory]
    [InlineData(ExpositionFormat.Text)]
    [InlineData(ExpositionFormat.OpenMetrics)]
    public void EveryTypeBecomesTheOtlpMetricTheCollectorMakes(ExpositionFormat format)
    {
        var assembler = new ScrapeAssembler(new ScrapeConfig { JobName = "node" }, TargetLabels);

        var (metrics, _, outcome) = Scrape(assembler, Fixtures.NodeLike(format), format);

        Assert.Null(outcome.Failure);
        Assert.Equal(13, outcome.Scraped);
        var byName = metrics.Metrics.ToDictionary(m => m.Name);
        Assert.Equal(["node_cpu_seconds_total", "node_load1", "http_request_duration_seconds", "go_gc_duration_seconds", "mystery"], metrics.Metrics.Select(m => m.Name));
        var cpu = byName["node_cpu_seconds_total"].Sum;
        Assert.True(cpu.IsMonotonic);
        Assert.Equal(AggregationTemporality.Cumulative, cpu.AggregationTemporality);
        Assert.Equal([1234.5, 56.25], cpu.DataPoints.Select(p => p.AsDouble));
        Assert.Equal("cpu=0,env=prod,mode=idle", Attributes(cpu.DataPoints[0].Attributes));
        Assert.Equal(0.42, byName["node_load1"].Gauge.DataPoints[0].AsDouble);
        var histogram = Assert.Single(byName["http_request_duration_seconds"].Histogram.DataPoints);
        Assert.Equal([0.1, 0.5], histogram.ExplicitBounds);
        Assert.Equal([3UL, 2UL, 1UL], histogram.BucketCounts);
        Assert.Equal(6UL, histogram.Count);
        Assert.Equal(1.75, histogram.Sum);
        Assert.Equal("env=prod,handler=/", Attributes(histogram.Attributes));
        var summary = Assert.Single(byName["go_gc_duration_seconds"].Summary.DataPoints);
        Assert.Equal([(0.5, 0.001), (1.0, 0.004)], summary.QuantileValues.Select(q => (q.Quantile, q.Value)));
        Assert.Equal(9UL, summary.Count);
        Assert.Equal(7, byName["mystery"].Gauge.DataPoints[0].AsDouble);
    }

    [Fact]
    public void OpenMetricsCreatedBecomesTheStartTime()
    {
        var assembler = new ScrapeAssembler(new ScrapeConfig { JobName = "j" }, TargetLabels);

        var (metrics, _, _) = Scrape(assembler, "# TYPE req counter\nreq_total 5\nreq_created 1700000000.5\n# EOF\n", ExpositionFormat.OpenMetrics);

        var point = Assert.Single(Assert.Single(metrics.Metrics).Sum.DataPoints);
        Assert.Equal("req_total", metrics.Metrics[0].Name);
        Assert.Equal(1_700_000_000_500_000_000UL, point.StartTimeUnixNano);
    }

    [Fact]
    public void ASeriesThatDisappearsGetsOneStalenessMarkerAndAFailedScrapeMarksEverything()
    {
        var assembler = new ScrapeAssembler(new ScrapeConfig { JobName = "j" }, TargetLabels);
        Scrape(assembler, "a 1\nb 2\n");

        var (_, stale, outcome) = Scrape(assembler, "a 1\n");
        var (_, again, _) = Scrape(assembler, "a 1\n");
        var (_, failed, failure) = Scrape(assembler, "a 1\nb{ 2\n");

        Assert.Equal(0, outcome.SeriesAdded);
        var marker = Assert.Single(stale.Metrics);
        Assert.Equal("b", marker.Name);
        Assert.Equal((uint)DataPointFlags.NoRecordedValueMask, marker.Gauge.DataPoints[0].Flags);
        Assert.Empty(again.Metrics);
        Assert.Equal("invalid_exposition", failure.Failure);
        Assert.Equal(1, failure.InvalidLines["bad_labels"]);
        Assert.Equal("a", Assert.Single(failed.Metrics).Name);

        // The next good scrape reads everything again: nothing seen in the failed one counts as a duplicate, and
        // only b (forgotten when it went away before the failure) counts as added, not a.
        var (recovered, _, good) = Scrape(assembler, "a 1\nb 2\n");
        Assert.Empty(good.DroppedSamples);
        Assert.Equal(["a", "b"], recovered.Metrics.Select(m => m.Name));
        Assert.Equal(1, good.SeriesAdded);
    }

    [Fact]
    public void DuplicatesAndTimestampsFarAheadAreDroppedAndCountedNanAndInfPass()
    {
        var assembler = new ScrapeAssembler(new ScrapeConfig { JobName = "j" }, TargetLabels);
        long future = (Now + TimeSpan.FromDays(365)).ToUnixTimeMilliseconds();

        var (metrics, _, outcome) = Scrape(assembler, $"a 1\na 2\nb 3 {future}\nc NaN\nd +Inf\n");

        Assert.Null(outcome.Failure);
        Assert.Equal(1, outcome.DroppedSamples["duplicate"]);
        Assert.Equal(1, outcome.DroppedSamples["timestamp_out_of_bounds"]);
        Assert.Equal(["a", "c", "d"], metrics.Metrics.Select(m => m.Name));
        Assert.Equal(1, metrics.Metrics[0].Gauge.DataPoints[0].AsDouble);
        Assert.True(double.IsNaN(metrics.Metrics[1].Gauge.DataPoints[0].AsDouble));
        Assert.True(double.IsPositiveInfinity(metrics.Metrics[2].Gauge.DataPoints[0].AsDouble));
    }

    [Fact]
    public void SampleAndLabelLimitsFailTheScrape()
    {
        var samples = new ScrapeAssembler(new ScrapeConfig { JobName = "j", SampleLimit = 2 }, TargetLabels);
        var labels = new ScrapeAssembler(new ScrapeConfig { JobName = "j", LabelLimit = 4 }, TargetLabels);

        Assert.Equal("sample_limit", Scrape(samples, "a 1\nb 1\nc 1\n").Outcome.Failure);
        Assert.Equal("label_limit", Scrape(labels, "a{x=\"1\",y=\"2\"} 1\n").Outcome.Failure);
    }

    [Fact]
    public void HonorLabelsDecidesWhichSideOfAClashWins()
    {
        const string text = "a{env=\"dev\"} 1\n";
        var (kept, _, _) = Scrape(new ScrapeAssembler(new ScrapeConfig { JobName = "j", HonorLabels = true }, TargetLabels), text);
        var (renamed, _, _) = Scrape(new ScrapeAssembler(new ScrapeConfig { JobName = "j" }, TargetLabels), text);

        Assert.Equal("env=dev", Attributes(kept.Metrics[0].Gauge.DataPoints[0].Attributes));
        Assert.Equal("env=prod,exported_env=dev", Attributes(renamed.Metrics[0].Gauge.DataPoints[0].Attributes));
    }

    [Fact]
    public void MetricRelabelingDropsAndRenamesSeriesBeforeTheSampleLimitCounts()
    {
        var config = new ScrapeConfig
        {
            JobName = "j",
            SampleLimit = 1,
            MetricRelabelConfigs =
            [
                new RelabelConfig { Action = "drop", SourceLabels = ["__name__"], Regex = AnchoredRegex.Create("go_.*") },
                new RelabelConfig { SourceLabels = ["__name__"], Regex = AnchoredRegex.Create("kube_(.*)"), TargetLabel = "__name__", Replacement = "k8s_$1" },
            ],
        };

        var (metrics, _, outcome) = Scrape(new ScrapeAssembler(config, TargetLabels), "go_a 1\ngo_b 2\nkube_pod 3\n");

        Assert.Null(outcome.Failure);
        Assert.Equal(3, outcome.Scraped);
        Assert.Equal(1, outcome.PostRelabeling);
        Assert.Equal("k8s_pod", Assert.Single(metrics.Metrics).Name);
    }

    [Fact]
    public void TheCacheHoldsOnlyWhatTheLastGoodScrapeHadEvenWhenNamesChurn()
    {
        var config = new ScrapeConfig
        {
            JobName = "j",
            MetricRelabelConfigs = [new RelabelConfig { Action = "drop", SourceLabels = ["__name__"], Regex = AnchoredRegex.Create("dropped_.*") }],
        };
        var assembler = new ScrapeAssembler(config, TargetLabels);

        for (int i = 0; i < 50; i++)
        {
            // Each scrape serves series no scrape before it had: kept ones, dropped ones and a histogram.
            var (_, stale, outcome) = Scrape(assembler, $"# TYPE h{i} histogram\nh{i}_bucket{{le=\"1\"}} 1\nh{i}_bucket{{le=\"+Inf\"}} 2\nh{i}_sum 3\nh{i}_count 2\nkept{{run=\"{i}\"}} 1\ndropped_{i} 1\n");

            Assert.Null(outcome.Failure);
            Assert.Equal((6, 2), assembler.CacheSize);
            Assert.Equal(i == 0 ? 0 : 2, stale.Metrics.Sum(m => m.DataCase == Metric.DataOneofCase.Gauge ? m.Gauge.DataPoints.Count : m.Histogram.DataPoints.Count));
        }

        // A failed scrape keeps the cache (so recovery adds nothing old); the next good one trims it again.
        Scrape(assembler, "kept{run=\"49\"} 1\nnew 1\nbroken{ 1\n");
        Assert.Equal((7, 3), assembler.CacheSize);
        var (_, _, recovered) = Scrape(assembler, "kept{run=\"49\"} 1\n");
        Assert.Equal(0, recovered.SeriesAdded);
        Assert.Equal((1, 1), assembler.CacheSize);
    }

    [Fact]
    public void AScrapeThatChangesNothingAllocatesNothing()
    {
        var assembler = new ScrapeAssembler(new ScrapeConfig { JobName = "node" }, TargetLabels);
        byte[] body = Encoding.UTF8.GetBytes(Fixtures.NodeLike(ExpositionFormat.OpenMetrics));
        var outcome = new ScrapeOutcome();
        assembler.Read(body, ExpositionFormat.OpenMetrics, Now, outcome);
        assembler.Read(body, ExpositionFormat.OpenMetrics, Now.AddSeconds(15), outcome);

        outcome.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        assembler.Read(body, ExpositionFormat.OpenMetrics, Now.AddSeconds(30), outcome);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(outcome.Failure);
        Assert.Equal(13, outcome.Scraped);
        Assert.Equal(0, allocated);
        Assert.Empty(assembler.Gone);
    }
}
