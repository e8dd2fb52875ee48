using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Tests.Receivers.Scraping;

public class MetricSetBuilderTests
{
    [Fact]
    public void PointsOfOneNameShareOneMetricOfTheRightType()
    {
        var builder = new MetricSetBuilder("scope", "1.0");
        builder.Counter("node_cpu_seconds_total", "s", "CPU time", 12.5, 1, 10, ("cpu", "0"), ("mode", "idle"));
        builder.Counter("node_cpu_seconds_total", "s", "CPU time", 3, 1, 10, ("cpu", "0"), ("mode", "user"));
        builder.Gauge("node_load1", "1", "Load", 0.5, 10);
        builder.UpDownCounter("system.memory.usage", "By", "Memory", 1024, 1, 10, ("state", "used"));

        var group = builder.Build(new Resource());

        Assert.Equal(4, builder.PointCount);
        var metrics = Assert.Single(group.ScopeMetrics).Metrics;
        Assert.Equal(["node_cpu_seconds_total", "node_load1", "system.memory.usage"], metrics.Select(m => m.Name));
        var cpu = metrics[0].Sum;
        Assert.True(cpu.IsMonotonic);
        Assert.Equal(AggregationTemporality.Cumulative, cpu.AggregationTemporality);
        Assert.Equal(["idle", "user"], cpu.DataPoints.Select(p => p.Attributes[1].Value.StringValue));
        Assert.Equal(12.5, cpu.DataPoints[0].AsDouble);
        Assert.Equal(0.5, metrics[1].Gauge.DataPoints[0].AsDouble);
        Assert.False(metrics[2].Sum.IsMonotonic);
    }

    [Fact]
    public void ANameReusedAsAnotherTypeIsRefused()
    {
        var builder = new MetricSetBuilder("scope");
        builder.Counter("x", "1", "", 1, 0, 1);

        Assert.Throws<InvalidOperationException>(() => builder.UpDownCounter("x", "1", "", 1, 0, 1));
    }

    [Fact]
    public void NothingReadBuildsNoScope()
    {
        Assert.Empty(new MetricSetBuilder("scope").Build().ScopeMetrics);
    }
}
