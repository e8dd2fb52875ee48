using Agent.Config;
using Agent.Receivers.Prometheus;
using Agent.Service;

namespace Agent.Tests.Config;

public class EmptyValueTests
{
    [Fact]
    public void A_list_written_with_no_value_keeps_its_default_instead_of_becoming_null()
    {
        // Found by the config fuzz test: `scrape_configs:` bound null into a non-nullable list and its validation threw.
        const string yaml = """
            receivers:
              prometheus:
                config:
                  scrape_configs:
            exporters:
              debug:
            service:
              pipelines:
                metrics:
                  receivers: [prometheus]
                  exporters: [debug]
            """;

        var config = new ConfigLoader(ComponentRegistry.BuiltIn, _ => null).Load("agent.yaml", yaml);

        var options = (PrometheusReceiverOptions)config.Receivers[new Agent.Core.Components.ComponentId("prometheus")].Options;
        Assert.Empty(options.Config.ScrapeConfigs);
    }
}
