using Agent.Core.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Support;

/// <summary>The smallest component host: no extensions, a throwaway data directory, logs dropped unless given a factory.</summary>
internal sealed class TestHost(ILoggerFactory? loggerFactory = null) : IComponentHost
{
    public ILoggerFactory LoggerFactory { get; } = loggerFactory ?? NullLoggerFactory.Instance;

    public string DefaultDataDirectory { get; } = Path.Combine(Path.GetTempPath(), "agent-tests", Guid.NewGuid().ToString("N"));

    public T? GetExtension<T>(ComponentId id)
        where T : class => null;
}
