using Agent.Core.Components;

namespace Agent.Extensions.BearerTokenAuth;

public sealed class BearerTokenAuthFactory() : ExtensionFactory<BearerTokenAuthOptions>("bearertokenauth", Stability.Beta)
{
    protected override IComponent Create(ComponentContext context, BearerTokenAuthOptions options) =>
        new BearerTokenAuthExtension(options, TimeProvider.System, context.CreateLogger<BearerTokenAuthExtension>());
}
