using Agent.Config;
using Agent.Core.Components;
using Agent.Service;
using Agent.Tests.Service;

namespace Agent.Tests.Config;

/// <summary>Connectors in the configuration: where they may stand, what they must be paired with, and no cycles.</summary>
public class ConnectorConfigTests
{
    private static ConfigLoader Loader() => new(new Recorder().Registry(), _ => null);

    private static List<string> Errors(string yaml) =>
        [.. Assert.Throws<ConfigException>(() => Loader().Load("graph.yaml", yaml)).Errors.Select(e => e.ToString())];

    [Fact]
    public void A_connector_between_two_pipelines_loads()
    {
        var config = Loader().Load("graph.yaml", """
            receivers: {manual: }
            exporters: {record: }
            connectors: {forward: }
            service:
              pipelines:
                logs/in: {receivers: [manual], exporters: [forward]}
                logs/out: {receivers: [forward], exporters: [record]}
            """);

        Assert.Equal([new ComponentId("forward")], config.Pipelines[0].Exporters);
        Assert.Equal([new ComponentId("forward")], config.Pipelines[1].Receivers);
        Assert.Contains(new ComponentId("forward"), config.Connectors.Keys);
    }

    [Fact]
    public void A_connector_used_on_one_side_only_is_refused_at_its_use()
    {
        var errors = Errors("""
            receivers: {manual: }
            exporters: {record: }
            connectors: {forward/only_out: , forward/only_in: }
            service:
              pipelines:
                traces/a: {receivers: [manual], exporters: [record, forward/only_out]}
                traces/b: {receivers: [forward/only_in], exporters: [record]}
            """);

        Assert.Equal(
        [
            "graph.yaml:6:57: service.pipelines.traces/a.exporters[1]: connector \"forward/only_out\" is an exporter of traces/a but no pipeline names it as a receiver to take its traces (it supports: traces to traces, metrics to metrics, logs to logs)",
            "graph.yaml:7:28: service.pipelines.traces/b.receivers[0]: connector \"forward/only_in\" is a receiver of traces/b but no pipeline names it as an exporter to feed it traces (it supports: traces to traces, metrics to metrics, logs to logs)",
        ], errors);
    }

    [Fact]
    public void A_connector_between_signals_it_does_not_route_is_refused()
    {
        var errors = Errors("""
            receivers: {manual: }
            exporters: {record: }
            connectors: {forward: , spancount: }
            service:
              pipelines:
                traces: {receivers: [manual], exporters: [forward, spancount]}
                metrics: {receivers: [forward], exporters: [record]}
                logs: {receivers: [spancount], exporters: [record]}
            """);

        Assert.Contains("graph.yaml:6:47: service.pipelines.traces.exporters[0]: connector \"forward\" is an exporter of traces but no pipeline names it as a receiver to take its traces (it supports: traces to traces, metrics to metrics, logs to logs)", errors);
        Assert.Contains("graph.yaml:8:24: service.pipelines.logs.receivers[0]: connector \"spancount\" cannot be a receiver in a logs pipeline; it supports: traces to metrics", errors);
        Assert.Contains("graph.yaml:7:27: service.pipelines.metrics.receivers[0]: connector \"forward\" is a receiver of metrics but no pipeline names it as an exporter to feed it metrics (it supports: traces to traces, metrics to metrics, logs to logs)", errors);
    }

    [Fact]
    public void A_cycle_through_connectors_is_refused_naming_its_pipelines()
    {
        var errors = Errors("""
            receivers: {manual: }
            exporters: {record: }
            connectors: {forward: , forward/2: }
            service:
              pipelines:
                traces/a: {receivers: [manual, forward/2], exporters: [forward]}
                traces/b: {receivers: [forward], exporters: [record, forward/2]}
            """);

        Assert.Equal(["graph.yaml:6:5: service.pipelines.traces/a: the pipelines form a cycle through connectors: traces/a → forward → traces/b → forward/2 → traces/a"], errors);
    }

    [Fact]
    public void A_pipeline_feeding_itself_is_a_cycle()
    {
        var errors = Errors("""
            receivers: {manual: }
            connectors: {forward: }
            service:
              pipelines:
                logs: {receivers: [manual, forward], exporters: [forward]}
            """);

        Assert.Equal(["graph.yaml:5:5: service.pipelines.logs: the pipelines form a cycle through connectors: logs → forward → logs"], errors);
    }

    [Theory]
    [InlineData("connectors: {nosuch: }\nservice: {pipelines: {}}\n", "graph.yaml:1:14: connectors.nosuch: unknown connector type \"nosuch\"; known types are: forward, spancount")]
    [InlineData("receivers: {manual: }\nexporters: {record: }\nservice:\n  pipelines:\n    traces: {receivers: [manual], exporters: [forward]}\n", "graph.yaml:5:47: service.pipelines.traces.exporters[0]: exporter \"forward\" is not defined in exporters")]
    [InlineData("receivers: {manual: }\nexporters: {record: }\nconnectors: {forward: }\nservice:\n  pipelines:\n    traces: {receivers: [manual], processors: [forward], exporters: [record]}\n", "graph.yaml:6:48: service.pipelines.traces.processors[0]: processor \"forward\" is not defined in processors")]
    [InlineData("connectors: {forward: {x: 1}}\nservice: {pipelines: {}}\n", "graph.yaml:1:24: connectors.forward.x: unknown key \"x\"")]
    public void Connector_ids_are_checked_as_other_components_are(string yaml, string expected)
    {
        Assert.Contains(Errors(yaml), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_id_that_is_both_a_receiver_and_a_connector_is_ambiguous()
    {
        var registry = new ComponentRegistry(
            [new TracesOnlyReceiverFactory()], [], [new AllSignalsExporterFactory()], [], [new TracesOnlyConnectorFactory()]);

        var errors = Assert.Throws<ConfigException>(() => new ConfigLoader(registry, _ => null).Load("graph.yaml", """
            receivers: {tracesonly: }
            exporters: {sink: }
            connectors: {tracesonly: }
            service:
              pipelines:
                traces: {receivers: [tracesonly], exporters: [sink]}
            """)).Errors.Select(e => e.ToString());

        Assert.Contains("graph.yaml:3:14: connectors.tracesonly: ambiguous id: \"tracesonly\" is both a receiver and a connector", errors);
    }

    private sealed class TracesOnlyConnectorFactory : ConnectorFactory<NoOptions>
    {
        public TracesOnlyConnectorFactory()
            : base("tracesonly")
        {
            AddRoute<Agent.Core.Model.TracesBatch, Agent.Core.Model.TracesBatch>(Stability.Development, static (_, _, next) => new Agent.Connectors.Forward.ForwardConnector<Agent.Core.Model.TracesBatch>(next));
        }
    }
}
