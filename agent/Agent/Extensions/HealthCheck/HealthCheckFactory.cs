using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Service;

namespace Agent.Extensions.HealthCheck;

public sealed class HealthCheckFactory : IExtensionFactory
{
    public string Type => "health_check";

    public Stability Stability => Stability.Beta;

    public IReadOnlyCollection<Signal> Signals => [];

    public object CreateDefaultOptions() => new HealthCheckOptions();

    public IComponent CreateExtension(ComponentContext context) =>
        new HealthCheckExtension((HealthCheckOptions)context.Options, ((ComponentHost)context.Host).Health, context.Host.LoggerFactory);
}
