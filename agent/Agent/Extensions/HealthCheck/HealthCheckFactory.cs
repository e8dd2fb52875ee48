using Agent.Core.Components;

namespace Agent.Extensions.HealthCheck;

public sealed class HealthCheckFactory() : ExtensionFactory<HealthCheckOptions>("health_check", Stability.Beta)
{
    protected override IComponent Create(ComponentContext context, HealthCheckOptions options) =>
        new HealthCheckExtension(options, context.Host.Status, context.Host.LoggerFactory);
}
