using Agent.Core.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Tests.Processors;

/// <summary>A host with no extensions and a logger that discards everything.</summary>
internal sealed class TestHost : IComponentHost
{
    public ILoggerFactory LoggerFactory => NullLoggerFactory.Instance;

    public string DefaultDataDirectory => Path.GetTempPath();

    public T? GetExtension<T>(ComponentId id)
        where T : class => null;
}
