using System.Reflection;
using Agent.Connectors.Forward;
using Agent.Core.Model;
using Agent.Exporters.Loki;
using Agent.Http;
using Agent.Kubernetes;
using Agent.Processors.Batch;
using Agent.Receivers.Otlp;
using Xunit;

namespace Agent.Tests.Architecture;

/// <summary>
/// The import graph points one way: host → components → core. Read from the compiled assemblies' references, so a
/// new project reference or a stray type use that points upwards or sideways fails here, not in a review.
/// </summary>
public sealed class FloorTests
{
    /// <summary>Core (model and contracts), then the embedded HTTP server and the Kubernetes metadata cache, then the components, then the host.</summary>
    private static readonly Dictionary<string, int> Floors = new(StringComparer.Ordinal)
    {
        ["Agent.Core"] = 0,
        ["Agent.Http"] = 1,
        ["Agent.Kubernetes"] = 1,
        ["Agent.Receivers"] = 2,
        ["Agent.Processors"] = 2,
        ["Agent.Exporters"] = 2,
        ["Agent.Connectors"] = 2,
        ["agent"] = 3,
    };

    public static TheoryData<string> ProjectAssemblies() =>
        [.. new[]
        {
            typeof(Batch).Assembly,
            typeof(EmbeddedHttpServer).Assembly,
            typeof(KubernetesMetadataCaches).Assembly,
            typeof(OtlpReceiverFactory).Assembly,
            typeof(BatchProcessorFactory).Assembly,
            typeof(LokiExporterFactory).Assembly,
            typeof(ForwardConnectorFactory).Assembly,
            Assembly.Load("agent"),
        }.Select(assembly => assembly.GetName().Name!)];

    [Theory]
    [MemberData(nameof(ProjectAssemblies))]
    public void A_project_references_only_projects_on_floors_below_it(string name)
    {
        int floor = Floors[name];
        var assembly = Assembly.Load(name);
        var wrong = assembly.GetReferencedAssemblies()
            .Select(reference => reference.Name!)
            .Where(reference => reference == "agent" || reference.StartsWith("Agent.", StringComparison.Ordinal))
            .Where(reference => !Floors.TryGetValue(reference, out int other) || other >= floor) // components never reference each other
            .ToList();

        Assert.True(wrong.Count == 0, $"{name} (floor {floor}) references {string.Join(", ", wrong)}");
    }

    [Fact]
    public void Core_references_no_web_framework_nor_metrics_library()
    {
        var references = typeof(Batch).Assembly.GetReferencedAssemblies().Select(reference => reference.Name!).ToList();
        Assert.DoesNotContain(references, name =>
            name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) ||
            name.StartsWith("Grpc.AspNetCore", StringComparison.Ordinal) ||
            name.StartsWith("Prometheus", StringComparison.Ordinal));
    }
}
