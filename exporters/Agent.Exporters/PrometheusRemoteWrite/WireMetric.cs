using Agent.Core.Model.Wire;

namespace Agent.Exporters.PrometheusRemoteWrite;

/// <summary>The data a metric holds: the field number of each case of Metric's <c>data</c> oneof.</summary>
internal enum MetricData
{
    None = 0,
    Gauge = 5,
    Sum = 7,
    Histogram = 9,
    ExponentialHistogram = 10,
    Summary = 11,
}

/// <summary>
/// One OTLP <c>Metric</c> read off the wire, not decoded: the bytes of its name, description and unit, which data it
/// holds with that data's temporality and monotonicity, and a cursor over its data points. It follows what a
/// protobuf parser makes of the bytes: a scalar set twice keeps the last value, a oneof the last case, and a data
/// message repeated on the wire is merged (its points add up).
/// </summary>
internal readonly ref struct WireMetric
{
    private const int NameField = 1;
    private const int DescriptionField = 2;
    private const int UnitField = 3;

    // Sum, Histogram and ExponentialHistogram: points are field 1, temporality 2; Sum's is_monotonic is 3.
    private const int DataPointsField = 1;
    private const int TemporalityField = 2;
    private const int MonotonicField = 3;
    private const ulong DeltaTemporality = 1;

    private readonly ReadOnlySpan<byte> _dataRun;

    private WireMetric(ReadOnlySpan<byte> name, ReadOnlySpan<byte> description, ReadOnlySpan<byte> unit, MetricData data, bool delta, bool monotonic, ReadOnlySpan<byte> dataRun)
    {
        Name = name;
        Description = description;
        Unit = unit;
        Data = data;
        Delta = delta;
        Monotonic = monotonic;
        _dataRun = dataRun;
    }

    public ReadOnlySpan<byte> Name { get; }

    public ReadOnlySpan<byte> Description { get; }

    public ReadOnlySpan<byte> Unit { get; }

    public MetricData Data { get; }

    /// <summary>Delta aggregation temporality (sums, histograms).</summary>
    public bool Delta { get; }

    /// <summary>A monotonic sum.</summary>
    public bool Monotonic { get; }

    public static WireMetric Read(ReadOnlySpan<byte> metric)
    {
        ReadOnlySpan<byte> name = default, description = default, unit = default;
        var data = MetricData.None;
        bool delta = false, monotonic = false;
        int runStart = 0;
        var reader = new WireReader(metric);
        int before = 0;
        while (reader.Next(out int field, out int wireType, out var content))
        {
            if (wireType == WireReader.LengthDelimited)
            {
                switch (field)
                {
                    case NameField:
                        name = content;
                        break;
                    case DescriptionField:
                        description = content;
                        break;
                    case UnitField:
                        unit = content;
                        break;
                    case (int)MetricData.Gauge or (int)MetricData.Sum or (int)MetricData.Histogram or (int)MetricData.ExponentialHistogram or (int)MetricData.Summary:
                        if (field != (int)data)
                        {
                            // Another case of the oneof: the parser drops what came before.
                            (data, runStart, delta, monotonic) = ((MetricData)field, before, false, false);
                        }

                        ReadSettings(content, ref delta, ref monotonic);
                        break;
                }
            }

            before = reader.Position;
        }

        return new WireMetric(name, description, unit, data, delta, monotonic, metric[runStart..]);
    }

    /// <summary>The data points, each the bytes of one point message of the kind <see cref="Data"/> says.</summary>
    public PointCursor Points() => new(_dataRun, (int)Data);

    public int CountPoints()
    {
        int count = 0;
        var points = Points();
        while (points.Next(out _))
        {
            count++;
        }

        return count;
    }

    private static void ReadSettings(ReadOnlySpan<byte> data, ref bool delta, ref bool monotonic)
    {
        var reader = new WireReader(data);
        while (reader.Next(out int field, out int wireType, out _, out ulong value))
        {
            if (wireType != WireReader.Varint)
            {
                continue;
            }

            if (field == TemporalityField)
            {
                delta = value == DeltaTemporality;
            }
            else if (field == MonotonicField)
            {
                monotonic = value != 0;
            }
        }
    }

    /// <summary>Walks the data messages of one oneof case and, inside each, its points.</summary>
    public ref struct PointCursor
    {
        private readonly int _dataField;
        private WireReader _run;
        private WireReader _points;
        private bool _inData;

        public PointCursor(ReadOnlySpan<byte> run, int dataField)
        {
            _run = new WireReader(run);
            _dataField = dataField;
        }

        public bool Next(out ReadOnlySpan<byte> point)
        {
            while (true)
            {
                if (_inData && _points.Next(out int field, out int wireType, out point))
                {
                    if (field == DataPointsField && wireType == WireReader.LengthDelimited)
                    {
                        return true;
                    }

                    continue;
                }

                _inData = false;
                if (!_run.Next(out int runField, out int runWireType, out var data))
                {
                    point = default;
                    return false;
                }

                if (runField == _dataField && runWireType == WireReader.LengthDelimited)
                {
                    _points = new WireReader(data);
                    _inData = true;
                }
            }
        }
    }
}
