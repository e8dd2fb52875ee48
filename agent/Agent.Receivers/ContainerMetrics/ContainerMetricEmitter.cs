using Agent.Receivers.Scraping;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Receivers.ContainerMetrics;

/// <summary>
/// Turns what was read of each cgroup into OTLP metrics for one scrape. <c>prometheus</c>: cAdvisor's series, all in
/// one resource, with its labels on every point (<c>container</c>, <c>id</c> = the cgroup path, <c>image</c>,
/// <c>namespace</c>, <c>pod</c>; a pod's own cgroup has <c>container=""</c> and <c>image=""</c>). <c>otel</c>: one
/// resource per pod and per container carrying <c>k8s.pod.uid</c>, <c>k8s.pod.qos_class</c>,
/// <c>k8s.namespace.name</c>, <c>k8s.pod.name</c>, <c>k8s.container.name</c>, <c>container.id</c>,
/// <c>container.image.name</c>, <c>container.image.tag</c>.
/// </summary>
internal sealed class ContainerMetricEmitter
{
    public const string ScopeName = "agent/receiver/containermetrics";

    private static readonly string[] QosNames = ["guaranteed", "burstable", "besteffort"];

    private readonly MetricNaming _naming;
    private readonly BlockDevices _devices;
    private readonly ulong _startTime;
    private readonly ulong _now;
    private readonly ExportMetricsServiceRequest _request = new();
    private readonly (string Key, string Value)[] _labels = new (string, string)[6];
    private MetricSetBuilder? _shared;

    public ContainerMetricEmitter(MetricNaming naming, BlockDevices devices, ulong startTimeUnixNano, ulong nowUnixNano)
    {
        (_naming, _devices, _startTime, _now) = (naming, devices, startTimeUnixNano, nowUnixNano);
    }

    public void Add(CgroupNode cgroup, CgroupIdentity identity, CgroupStats stats)
    {
        bool prometheus = _naming == MetricNaming.Prometheus;
        var builder = prometheus ? _shared ??= new MetricSetBuilder(ScopeName) : new MetricSetBuilder(ScopeName);
        int labelCount = prometheus ? PrometheusLabels(cgroup, identity) : 0;
        bool isPod = cgroup.ContainerId is null;
        foreach (var metric in ContainerMetric.All)
        {
            if (!stats.TryGet(metric.Value, out double value))
            {
                continue;
            }

            string name = prometheus ? metric.Prometheus : isPod ? metric.OtelPod : metric.OtelContainer;
            int count = labelCount;
            if (prometheus && metric.Value == CgroupValue.CpuUsageSeconds)
            {
                // cAdvisor labels its total (per-CPU series off, as the kubelet runs it) cpu="total".
                _labels[count++] = ("cpu", "total");
            }

            Point(builder, metric.IsCounter, name, metric.Unit, metric.Description, value, count);
        }

        foreach (var device in stats.Devices)
        {
            AddIo(builder, isPod, labelCount, device);
        }

        if (!prometheus)
        {
            _request.ResourceMetrics.Add(builder.Build(OtelResource(cgroup, identity)));
        }
    }

    public ExportMetricsServiceRequest Finish()
    {
        if (_shared is not null)
        {
            _request.ResourceMetrics.Add(_shared.Build());
        }

        return _request;
    }

    private void AddIo(MetricSetBuilder builder, bool isPod, int labelCount, DeviceIo io)
    {
        string device = _devices.Name(io.Major, io.Minor);
        if (_naming == MetricNaming.Prometheus)
        {
            _labels[labelCount] = ("device", device);
            var names = ContainerMetric.PrometheusIo;
            IoPoint(builder, io, DeviceIo.ReadBytes, names.ReadBytes, "By", "Bytes read", labelCount + 1);
            IoPoint(builder, io, DeviceIo.WriteBytes, names.WriteBytes, "By", "Bytes written", labelCount + 1);
            IoPoint(builder, io, DeviceIo.Reads, names.Reads, "{operations}", "Reads completed", labelCount + 1);
            IoPoint(builder, io, DeviceIo.Writes, names.Writes, "{operations}", "Writes completed", labelCount + 1);
            return;
        }

        var (bytes, operations) = isPod ? ContainerMetric.OtelPodIo : ContainerMetric.OtelContainerIo;
        _labels[0] = ("system.device", device);
        _labels[1] = ("disk.io.direction", "read");
        IoPoint(builder, io, DeviceIo.ReadBytes, bytes, "By", "Bytes read or written", 2);
        IoPoint(builder, io, DeviceIo.Reads, operations, "{operations}", "Reads or writes completed", 2);
        _labels[1] = ("disk.io.direction", "write");
        IoPoint(builder, io, DeviceIo.WriteBytes, bytes, "By", "Bytes read or written", 2);
        IoPoint(builder, io, DeviceIo.Writes, operations, "{operations}", "Reads or writes completed", 2);
    }

    private void IoPoint(MetricSetBuilder builder, DeviceIo io, int which, string name, string unit, string description, int labelCount)
    {
        if (io.TryGet(which, out ulong value))
        {
            Point(builder, true, name, unit, description, value, labelCount);
        }
    }

    private void Point(MetricSetBuilder builder, bool isCounter, string name, string unit, string description, double value, int labelCount)
    {
        var labels = _labels.AsSpan(0, labelCount);
        if (isCounter)
        {
            builder.Counter(name, unit, description, value, _startTime, _now, labels);
        }
        else
        {
            builder.Gauge(name, unit, description, value, _now, labels);
        }
    }

    private int PrometheusLabels(CgroupNode cgroup, CgroupIdentity identity)
    {
        _labels[0] = ("container", cgroup.ContainerId is null ? string.Empty : identity.Container ?? cgroup.ContainerId);
        _labels[1] = ("id", cgroup.RelativePath);
        _labels[2] = ("image", identity.Image ?? string.Empty);
        _labels[3] = ("namespace", identity.Namespace ?? string.Empty);
        _labels[4] = ("pod", identity.Pod ?? string.Empty);
        return 5;
    }

    private static Resource OtelResource(CgroupNode cgroup, CgroupIdentity identity)
    {
        var resource = new Resource();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                resource.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
            }
        }

        Add("k8s.pod.uid", cgroup.PodUid);
        Add("k8s.pod.qos_class", QosNames[(int)cgroup.Qos]);
        Add("k8s.namespace.name", identity.Namespace);
        Add("k8s.pod.name", identity.Pod);
        Add("k8s.container.name", identity.Container);
        Add("container.id", cgroup.ContainerId);
        Add("container.image.name", identity.ImageName);
        Add("container.image.tag", identity.ImageTag);
        return resource;
    }
}
