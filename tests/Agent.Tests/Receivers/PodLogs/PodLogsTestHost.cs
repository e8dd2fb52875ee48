using Agent.Core.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Receivers.PodLogs;

/// <summary>A component host for the receiver's tests: a temporary data directory and optional storage extensions.</summary>
internal sealed class PodLogsTestHost : IComponentHost
{
    private readonly Dictionary<ComponentId, object> _extensions = [];

    public PodLogsTestHost(string dataDirectory)
    {
        DefaultDataDirectory = dataDirectory;
    }

    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public string DefaultDataDirectory { get; }

    public void AddExtension(ComponentId id, object extension) => _extensions[id] = extension;

    public T? GetExtension<T>(ComponentId id)
        where T : class => _extensions.TryGetValue(id, out var extension) ? extension as T : null;
}

/// <summary>A <c>file_storage</c> stand-in: one directory per component under a root.</summary>
internal sealed class TestStorageExtension(string root) : IStorageExtension
{
    public List<(ComponentKind Kind, ComponentId Id)> Requests { get; } = [];

    public string GetDirectory(ComponentKind kind, ComponentId component)
    {
        Requests.Add((kind, component));
        string directory = Path.Combine(root, $"{kind}_{component.Type}_{component.Name}");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
