using Agent.Config;
using Agent.Core.Components;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Service;

namespace Agent.Tests.Components;

/// <summary>
/// One contract, run over every built-in factory: its minimal configuration loads and validates through the real
/// config loader, it creates a component for each signal it supports, the component starts and stops, stops without
/// having started, stops twice, and a signal it does not support is refused with the promised error.
/// </summary>
public sealed class ComponentContractTests : IDisposable
{
    private static readonly Signal[] AllSignals = [Signal.Traces, Signal.Metrics, Signal.Logs];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agent-contract", Guid.NewGuid().ToString("N"));

    public ComponentContractTests()
    {
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The smallest configuration of each built-in type that works on this machine, as YAML.</summary>
    private Dictionary<(ComponentKind, string), string> MinimalConfigs => new()
    {
        [(ComponentKind.Receiver, "otlp")] = "{protocols: {grpc: {endpoint: \"127.0.0.1:0\"}, http: {endpoint: \"127.0.0.1:0\"}}}",
        [(ComponentKind.Receiver, "filelog")] = $"{{include: [\"{_directory}/*.log\"]}}",
        [(ComponentKind.Receiver, "containermetrics")] = $"{{root_path: \"{_directory}\"}}",
        [(ComponentKind.Receiver, "hostmetrics")] = "{scrapers: {cpu: {}, memory: {}}}",
        [(ComponentKind.Receiver, "prometheus")] = "{config: {scrape_configs: [{job_name: self, scrape_interval: 1h, static_configs: [{targets: [\"127.0.0.1:9\"]}]}]}}",
        [(ComponentKind.Processor, "batch")] = "{}",
        [(ComponentKind.Processor, "resource")] = "{attributes: [{key: a, value: b, action: upsert}]}",
        [(ComponentKind.Processor, "k8sattributes")] = "{auth_type: none, endpoint: \"http://127.0.0.1:9\"}",
        [(ComponentKind.Processor, "servicemapping")] = "{}",
        [(ComponentKind.Processor, "memory_limiter")] = "{check_interval: 1s, limit_mib: 4000}",
        [(ComponentKind.Exporter, "otlp")] = "{endpoint: \"127.0.0.1:9\", tls: {insecure: true}}",
        [(ComponentKind.Exporter, "otlphttp")] = "{endpoint: \"http://127.0.0.1:9\"}",
        [(ComponentKind.Exporter, "debug")] = "{}",
        [(ComponentKind.Exporter, "loki")] = "{endpoint: \"http://127.0.0.1:9/loki/api/v1/push\"}",
        [(ComponentKind.Exporter, "prometheusremotewrite")] = "{endpoint: \"http://127.0.0.1:9/api/v1/write\"}",
        [(ComponentKind.Extension, "health_check")] = "{endpoint: \"127.0.0.1:0\"}",
        [(ComponentKind.Extension, "file_storage")] = $"{{directory: \"{_directory}/storage\", create_directory: true}}",
        [(ComponentKind.Extension, "bearertokenauth")] = "{token: contract-test-token}",
        [(ComponentKind.Connector, "forward")] = "{}",
        [(ComponentKind.Connector, "spanmetrics")] = "{}",
    };

    public static TheoryData<ComponentKind, string> BuiltIns()
    {
        var data = new TheoryData<ComponentKind, string>();
        foreach (var (kind, factory) in ComponentRegistry.BuiltIn.All)
        {
            data.Add(kind, factory.Type);
        }

        return data;
    }

    [Fact]
    public void Every_built_in_type_has_a_minimal_config_here()
    {
        var missing = ComponentRegistry.BuiltIn.All
            .Where(entry => !MinimalConfigs.ContainsKey((entry.Kind, entry.Factory.Type)))
            .Select(entry => $"{entry.Kind} {entry.Factory.Type}")
            .ToList();
        Assert.Empty(missing);
    }

    [Theory(Timeout = TestTimeouts.Default)]
    [MemberData(nameof(BuiltIns))]
    public async Task Creates_starts_and_stops_for_each_supported_signal(ComponentKind kind, string type)
    {
        var (factory, options) = Load(kind, type);
        var host = new TestHost(dataDirectory: _directory);
        if (factory is IConnectorFactory connector)
        {
            await ConnectorRoutesStartAndStop(connector, host, options);
            return;
        }

        var signals = kind == ComponentKind.Extension ? [] : factory.Signals.ToArray();
        Assert.True(kind == ComponentKind.Extension || signals.Length > 0, $"{type} handles no signal");
        foreach (var signal in signals)
        {
            var started = Create(factory, kind, host.Context(new ComponentId(type, "contract" + signal), options), signal);
            await started.StartAsync(Deadline(10));
            await started.ShutdownAsync(Deadline(10));
            await started.ShutdownAsync(Deadline(10));

            var neverStarted = Create(factory, kind, host.Context(new ComponentId(type, "idle" + signal), options), signal);
            await neverStarted.ShutdownAsync(Deadline(10));
        }

        if (kind == ComponentKind.Extension)
        {
            var extension = ((IExtensionFactory)factory).CreateExtension(host.Context(new ComponentId(type, "contract"), options));
            await extension.StartAsync(Deadline(10));
            await extension.ShutdownAsync(Deadline(10));
            await extension.ShutdownAsync(Deadline(10));
        }
    }

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void A_signal_it_does_not_support_is_refused_with_the_promised_error(ComponentKind kind, string type)
    {
        var (factory, options) = Load(kind, type);
        var host = new TestHost(dataDirectory: _directory);
        if (factory is IConnectorFactory connector)
        {
            var routes = AllSignals.SelectMany(from => AllSignals.Select(to => new SignalRoute(from, to)));
            foreach (var route in routes.Where(r => !connector.Routes.Contains(r)))
            {
                var error = Assert.Throws<NotSupportedException>(() => CreateConnector(connector, host.Context(new ComponentId(type, "refused"), options), route));
                Assert.Equal($"{type} does not support {route.From.ConfigName()} to {route.To.ConfigName()}; it supports: {string.Join(", ", connector.Routes)}", error.Message);
            }

            return;
        }

        foreach (var signal in AllSignals.Where(s => kind != ComponentKind.Extension && !factory.Signals.Contains(s)))
        {
            var error = Assert.Throws<NotSupportedException>(() => Create(factory, kind, host.Context(new ComponentId(type, "refused"), options), signal));
            Assert.Equal($"{type} does not support {signal.ConfigName()}; it supports: {string.Join(", ", factory.Signals.Select(s => s.ConfigName()))}", error.Message);
        }
    }

    /// <summary>Loads the minimal config through the real loader, so options are bound and validated as users get them.</summary>
    private (IComponentFactory Factory, object Options) Load(ComponentKind kind, string type)
    {
        // A valid file needs one pipeline; the component under test is declared beside it.
        var sections = new Dictionary<string, List<string>>
        {
            ["receivers"] = [$"  otlp/pipeline: {MinimalConfigs[(ComponentKind.Receiver, "otlp")]}"],
            ["exporters"] = ["  debug/pipeline: {}"],
        };
        string section = kind.SectionName();
        if (!sections.TryGetValue(section, out var entries))
        {
            sections[section] = entries = [];
        }

        entries.Add($"  {type}/contract: {MinimalConfigs[(kind, type)]}");
        string yaml = string.Join('\n', sections.Select(s => $"{s.Key}:\n{string.Join('\n', s.Value)}")) + """

            service:
              pipelines:
                traces:
                  receivers: [otlp/pipeline]
                  exporters: [debug/pipeline]

            """;
        if (ComponentRegistry.BuiltIn.Find(kind, type) is IConnectorFactory connector)
        {
            // A connector must stand between two pipelines: fed by one of its first route's signal, feeding another.
            var route = connector.Routes.First();
            yaml += $$"""
                    {{route.From.ConfigName()}}/into: {receivers: [otlp/pipeline], exporters: [{{type}}/contract]}
                    {{route.To.ConfigName()}}/out: {receivers: [{{type}}/contract], exporters: [debug/pipeline]}

                """;
        }

        var config = new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("contract.yaml", yaml);
        var component = config.Section(kind)[new ComponentId(type, "contract")];
        return (component.Factory, component.Options);
    }

    private static IComponent Create(IComponentFactory factory, ComponentKind kind, ComponentContext context, Signal signal) => kind switch
    {
        ComponentKind.Receiver => ((IReceiverFactory)factory).CreateReceiver(context, new ReceiverConsumers(
            signal == Signal.Traces ? new RecordingConsumer<TracesBatch>() : null,
            signal == Signal.Metrics ? new RecordingConsumer<MetricsBatch>() : null,
            signal == Signal.Logs ? new RecordingConsumer<LogsBatch>() : null)),
        ComponentKind.Processor => signal switch
        {
            Signal.Traces => ((IProcessorFactory)factory).CreateTracesProcessor(context, new RecordingConsumer<TracesBatch>()),
            Signal.Metrics => ((IProcessorFactory)factory).CreateMetricsProcessor(context, new RecordingConsumer<MetricsBatch>()),
            _ => ((IProcessorFactory)factory).CreateLogsProcessor(context, new RecordingConsumer<LogsBatch>()),
        },
        ComponentKind.Exporter => CheckedExporter(((IExporterFactory)factory).CreateExporter(context, new HashSet<Signal> { signal }), signal),
        _ => ((IExtensionFactory)factory).CreateExtension(context),
    };

    /// <summary>Every route the connector declares creates an instance that starts, stops, stops twice, and stops unstarted.</summary>
    private static async Task ConnectorRoutesStartAndStop(IConnectorFactory connector, TestHost host, object options)
    {
        Assert.NotEmpty(connector.Routes);
        foreach (var route in connector.Routes)
        {
            var started = CreateConnector(connector, host.Context(new ComponentId(connector.Type, $"contract{route.From}{route.To}"), options), route);
            await started.StartAsync(Deadline(10));
            await started.ShutdownAsync(Deadline(10));
            await started.ShutdownAsync(Deadline(10));

            var neverStarted = CreateConnector(connector, host.Context(new ComponentId(connector.Type, $"idle{route.From}{route.To}"), options), route);
            await neverStarted.ShutdownAsync(Deadline(10));
        }
    }

    private static IComponent CreateConnector(IConnectorFactory factory, ComponentContext context, SignalRoute route) => route.From switch
    {
        Signal.Traces => CreateConnector<TracesBatch>(factory, context, route.To),
        Signal.Metrics => CreateConnector<MetricsBatch>(factory, context, route.To),
        _ => CreateConnector<LogsBatch>(factory, context, route.To),
    };

    private static IComponent CreateConnector<TIn>(IConnectorFactory factory, ComponentContext context, Signal to)
        where TIn : Batch => to switch
        {
            Signal.Traces => factory.CreateConnector<TIn, TracesBatch>(context, new RecordingConsumer<TracesBatch>()),
            Signal.Metrics => factory.CreateConnector<TIn, MetricsBatch>(context, new RecordingConsumer<MetricsBatch>()),
            _ => factory.CreateConnector<TIn, LogsBatch>(context, new RecordingConsumer<LogsBatch>()),
        };

    /// <summary>An exporter built for one signal has a consumer for it.</summary>
    private static IExporter CheckedExporter(IExporter exporter, Signal signal)
    {
        object? consumer = signal switch
        {
            Signal.Traces => exporter.Traces,
            Signal.Metrics => exporter.Metrics,
            _ => exporter.Logs,
        };
        Assert.NotNull(consumer);
        return exporter;
    }

    private static CancellationToken Deadline(int seconds) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
    }
}
