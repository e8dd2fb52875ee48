using Agent.Config;
using Agent.Receivers.Otlp;
using Agent.Service;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.EndToEnd;

/// <summary>A whole agent started in-process from YAML with every built-in component, as `agent run` would.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly string _dataDirectory;

    private RunningAgent(AgentInstance instance, string dataDirectory)
    {
        Instance = instance;
        _dataDirectory = dataDirectory;
    }

    public AgentInstance Instance { get; }

    public OtlpReceiver Otlp => (OtlpReceiver)Instance.Topology.Receivers.Single(r => r.Id.Type == "otlp").Component;

    public Uri GrpcAddress => new($"http://127.0.0.1:{Otlp.GrpcEndPoints[0].Port}");

    public Uri HttpAddress => new($"http://127.0.0.1:{Otlp.HttpEndPoints[0].Port}");

    public static async Task<RunningAgent> StartAsync(string yaml, Func<string, string?>? environment = null)
    {
        string data = Directory.CreateTempSubdirectory("agent-e2e-").FullName;
        var config = new ConfigLoader(ComponentRegistry.BuiltIn, environment ?? (_ => null)).Load("e2e.yaml", yaml);
        var instance = await AgentInstance.StartAsync(config, NullLoggerFactory.Instance, data, TimeSpan.FromSeconds(10), CancellationToken.None);
        return new RunningAgent(instance, data);
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.StopAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
