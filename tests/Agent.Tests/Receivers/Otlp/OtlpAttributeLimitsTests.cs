using System.Text;
using Agent.Receivers.Otlp;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace Agent.Tests.Receivers.Otlp;

/// <summary>
/// The receiver's attribute limits on each signal and in each place attributes live: past the count the later
/// attributes go and the item's dropped count grows; past the length a string is cut at a character, a bytes value
/// at a byte, array and map values element by element.
/// </summary>
public class OtlpAttributeLimitsTests
{
    private static readonly OtlpLimitsOptions CountOfTwo = new() { MaxAttributes = 2 };
    private static readonly OtlpLimitsOptions LengthOfFour = new() { MaxAttributes = 0, MaxAttributeValueLength = 4 };

    [Fact]
    public void Traces_keep_the_first_attributes_of_every_collection_and_raise_each_dropped_count()
    {
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { Many(5) }, DroppedAttributesCount = 1 },
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            Scope = new InstrumentationScope { Name = "s", Attributes = { Many(3) } },
                            Spans =
                            {
                                new Span
                                {
                                    Name = "a",
                                    Attributes = { Many(4) },
                                    Events = { new Span.Types.Event { Name = "e", Attributes = { Many(3) } } },
                                    Links = { new Span.Types.Link { Attributes = { Many(6) }, DroppedAttributesCount = 10 } },
                                },
                            },
                        },
                    },
                },
            },
        };

        var limited = OtlpAttributeLimits.Apply(request, CountOfTwo);

        var group = request.ResourceSpans[0];
        var span = group.ScopeSpans[0].Spans[0];
        AssertKept(group.Resource.Attributes, group.Resource.DroppedAttributesCount, 1 + 3);
        AssertKept(group.ScopeSpans[0].Scope.Attributes, group.ScopeSpans[0].Scope.DroppedAttributesCount, 1);
        AssertKept(span.Attributes, span.DroppedAttributesCount, 2);
        AssertKept(span.Events[0].Attributes, span.Events[0].DroppedAttributesCount, 1);
        AssertKept(span.Links[0].Attributes, span.Links[0].DroppedAttributesCount, 10 + 4);
        Assert.Equal(3 + 1 + 2 + 1 + 4, limited.Dropped);
        Assert.Equal(0, limited.Truncated);
    }

    [Fact]
    public void Logs_keep_the_first_attributes_of_resource_scope_and_record()
    {
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    Resource = new Resource { Attributes = { Many(3) } },
                    ScopeLogs =
                    {
                        new ScopeLogs
                        {
                            Scope = new InstrumentationScope { Attributes = { Many(4) } },
                            LogRecords = { new LogRecord { Attributes = { Many(7) }, DroppedAttributesCount = 2 }, new LogRecord { Attributes = { Many(2) } } },
                        },
                    },
                },
            },
        };

        var limited = OtlpAttributeLimits.Apply(request, CountOfTwo);

        var group = request.ResourceLogs[0];
        var records = group.ScopeLogs[0].LogRecords;
        AssertKept(group.Resource.Attributes, group.Resource.DroppedAttributesCount, 1);
        AssertKept(group.ScopeLogs[0].Scope.Attributes, group.ScopeLogs[0].Scope.DroppedAttributesCount, 2);
        AssertKept(records[0].Attributes, records[0].DroppedAttributesCount, 2 + 5);
        AssertKept(records[1].Attributes, records[1].DroppedAttributesCount, 0);
        Assert.Equal(1 + 2 + 5, limited.Dropped);
    }

    [Fact]
    public void Metrics_limit_the_points_of_every_type_their_exemplars_and_the_metadata()
    {
        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    Resource = new Resource { Attributes = { Many(3) } },
                    ScopeMetrics =
                    {
                        new ScopeMetrics
                        {
                            Scope = new InstrumentationScope { Attributes = { Many(3) } },
                            Metrics =
                            {
                                new Metric { Name = "g", Metadata = { Many(3) }, Gauge = new Gauge { DataPoints = { new NumberDataPoint { Attributes = { Many(3) }, Exemplars = { new Exemplar { FilteredAttributes = { Many(3) } } } } } } },
                                new Metric { Name = "s", Sum = new Sum { DataPoints = { new NumberDataPoint { Attributes = { Many(3) } } } } },
                                new Metric { Name = "h", Histogram = new Histogram { DataPoints = { new HistogramDataPoint { Attributes = { Many(3) }, Exemplars = { new Exemplar { FilteredAttributes = { Many(3) } } } } } } },
                                new Metric { Name = "e", ExponentialHistogram = new ExponentialHistogram { DataPoints = { new ExponentialHistogramDataPoint { Attributes = { Many(3) }, Exemplars = { new Exemplar { FilteredAttributes = { Many(3) } } } } } } },
                                new Metric { Name = "q", Summary = new Summary { DataPoints = { new SummaryDataPoint { Attributes = { Many(3) } } } } },
                            },
                        },
                    },
                },
            },
        };

        var limited = OtlpAttributeLimits.Apply(request, CountOfTwo);

        var group = request.ResourceMetrics[0];
        var metrics = group.ScopeMetrics[0].Metrics;
        AssertKept(group.Resource.Attributes, group.Resource.DroppedAttributesCount, 1);
        AssertKept(group.ScopeMetrics[0].Scope.Attributes, group.ScopeMetrics[0].Scope.DroppedAttributesCount, 1);
        var collections = new[]
        {
            metrics[0].Metadata,
            metrics[0].Gauge.DataPoints[0].Attributes,
            metrics[0].Gauge.DataPoints[0].Exemplars[0].FilteredAttributes,
            metrics[1].Sum.DataPoints[0].Attributes,
            metrics[2].Histogram.DataPoints[0].Attributes,
            metrics[2].Histogram.DataPoints[0].Exemplars[0].FilteredAttributes,
            metrics[3].ExponentialHistogram.DataPoints[0].Attributes,
            metrics[3].ExponentialHistogram.DataPoints[0].Exemplars[0].FilteredAttributes,
            metrics[4].Summary.DataPoints[0].Attributes,
        };
        Assert.All(collections, attributes => Assert.Equal(["k0", "k1"], attributes.Select(a => a.Key)));
        Assert.Equal(2 + collections.Length, limited.Dropped);
    }

    [Theory]
    [InlineData("abcdef", "abcd")]
    [InlineData("abc", "abc")]
    [InlineData("abcd", "abcd")]
    [InlineData("aé€😀xyz", "aé€😀")]
    [InlineData("😀😀😀😀😀", "😀😀😀😀")]
    [InlineData("ab😀😀😀", "ab😀😀")]
    [InlineData("日本語のテキスト", "日本語の")]
    public void A_long_string_is_cut_to_the_limit_in_characters_never_inside_one(string value, string expected)
    {
        var request = LogWith(new KeyValue { Key = "k", Value = new AnyValue { StringValue = value } });

        var limited = OtlpAttributeLimits.Apply(request, LengthOfFour);

        string cut = Attribute(request).StringValue;
        Assert.Equal(expected, cut);
        Assert.Equal(expected == value ? 0 : 1, limited.Truncated);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(cut));
    }

    [Fact]
    public void Bytes_are_cut_in_bytes_and_every_string_of_arrays_and_maps_is_cut_but_nothing_else()
    {
        var request = LogWith(
            new KeyValue { Key = "bytes", Value = new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3, 4, 5, 6) } },
            new KeyValue
            {
                Key = "array",
                Value = new AnyValue { ArrayValue = new ArrayValue { Values = { Text("€€€€€"), Text("ok"), new AnyValue { IntValue = 123456789 } } } },
            },
            new KeyValue
            {
                Key = "map",
                Value = new AnyValue { KvlistValue = new KeyValueList { Values = { new KeyValue { Key = "a-long-key", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { Text("nested-long") } } } } } } },
            },
            new KeyValue { Key = "double", Value = new AnyValue { DoubleValue = 1234567.891 } },
            new KeyValue { Key = "short", Value = Text("tiny") });

        var limited = OtlpAttributeLimits.Apply(request, LengthOfFour);

        var attributes = request.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes;
        Assert.Equal([1, 2, 3, 4], attributes[0].Value.BytesValue.ToByteArray());
        Assert.Equal(["€€€€", "ok"], attributes[1].Value.ArrayValue.Values.Take(2).Select(v => v.StringValue));
        Assert.Equal(123456789, attributes[1].Value.ArrayValue.Values[2].IntValue);
        var entry = attributes[2].Value.KvlistValue.Values[0];
        Assert.Equal("a-long-key", entry.Key);
        Assert.Equal("nest", entry.Value.ArrayValue.Values[0].StringValue);
        Assert.Equal(1234567.891, attributes[3].Value.DoubleValue);
        Assert.Equal("tiny", attributes[4].Value.StringValue);
        Assert.Equal(3, limited.Truncated);
        Assert.Equal(0, limited.Dropped);
    }

    [Fact]
    public void Values_are_cut_in_every_place_of_every_signal()
    {
        var traces = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = new Resource { Attributes = { Long() } },
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            Scope = new InstrumentationScope { Attributes = { Long() } },
                            Spans = { new Span { Attributes = { Long() }, Events = { new Span.Types.Event { Attributes = { Long() } } }, Links = { new Span.Types.Link { Attributes = { Long() } } } } },
                        },
                    },
                },
            },
        };
        var metrics = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    ScopeMetrics = { new ScopeMetrics { Metrics = { new Metric { Sum = new Sum { DataPoints = { new NumberDataPoint { Attributes = { Long() }, Exemplars = { new Exemplar { FilteredAttributes = { Long() } } } } } } } } } },
                },
            },
        };

        Assert.Equal(5, OtlpAttributeLimits.Apply(traces, LengthOfFour).Truncated);
        Assert.Equal(2, OtlpAttributeLimits.Apply(metrics, LengthOfFour).Truncated);
        Assert.DoesNotContain("long-value", traces.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("long-value", metrics.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_means_no_limit()
    {
        var request = LogWith(Many(500).Append(new KeyValue { Key = "long", Value = Text(new string('x', 100_000)) }).ToArray());
        var before = request.Clone();

        var limited = OtlpAttributeLimits.Apply(request, new OtlpLimitsOptions { MaxAttributes = 0, MaxAttributeValueLength = 0 });

        Assert.Equal(before, request);
        Assert.Equal((0, 0), (limited.Dropped, limited.Truncated));
    }

    [Fact]
    public void The_defaults_leave_what_an_sdk_with_default_limits_sends_unchanged()
    {
        // The SDK keeps at most 128 attributes per span and does not limit the length of values.
        var request = OtlpSamples.Traces();
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes.Add(Many(128));
        request.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes[0].Value = Text(new string('q', 1_000_000));
        var before = request.Clone();

        var limited = OtlpAttributeLimits.Apply(request, new OtlpLimitsOptions());

        Assert.Equal(before, request);
        Assert.Equal((0, 0), (limited.Dropped, limited.Truncated));
    }

    [Theory]
    [InlineData("max_attributes: -1", "x.limits.max_attributes: must be 0 (no limit) or more, not -1")]
    [InlineData("max_attribute_value_length: -5", "x.limits.max_attribute_value_length: must be 0 (no limit) or more, not -5")]
    public void Negative_limits_are_refused_with_their_position_and_key(string line, string expected)
    {
        var (_, errors) = Agent.Tests.Config.Binding.Bind<OtlpReceiverOptions>($"protocols: {{grpc: {{}}}}\nlimits:\n  {line}\n");

        Assert.Equal($"inline.yaml:3:3: {expected}", Assert.Single(errors));
    }

    [Fact]
    public void Limits_bind_from_their_keys()
    {
        var (options, errors) = Agent.Tests.Config.Binding.Bind<OtlpReceiverOptions>("{protocols: {grpc: {}}, limits: {max_attributes: 16, max_attribute_value_length: 4096}}");

        Assert.Empty(errors);
        Assert.Equal(16, options.Limits.MaxAttributes);
        Assert.Equal(4096, options.Limits.MaxAttributeValueLength);
    }

    internal static KeyValue[] Many(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new KeyValue { Key = $"k{i}", Value = new AnyValue { IntValue = i } })];

    private static KeyValue Long() => new() { Key = "k", Value = Text("long-value") };

    private static AnyValue Text(string value) => new() { StringValue = value };

    private static ExportLogsServiceRequest LogWith(params KeyValue[] attributes) => new()
    {
        ResourceLogs = { new ResourceLogs { ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Attributes = { attributes } } } } } } },
    };

    private static AnyValue Attribute(ExportLogsServiceRequest request) => request.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes[0].Value;

    private static void AssertKept(IEnumerable<KeyValue> attributes, uint droppedCount, uint expectedDroppedCount)
    {
        Assert.Equal(["k0", "k1"], attributes.Select(a => a.Key).Take(3));
        Assert.Equal(expectedDroppedCount, droppedCount);
    }
}
