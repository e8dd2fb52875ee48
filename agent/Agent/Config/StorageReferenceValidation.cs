using Agent.Core.Components;
using Agent.Core.Config;

namespace Agent.Config;

/// <summary>
/// Refuses, before anything starts, options that name a storage extension (or a server's authenticator) the
/// configuration does not define or the service does not enable (otherwise the component would fail at start,
/// after the others had begun).
/// </summary>
internal static class StorageReferenceValidation
{
    public static void Validate(AgentConfig config, ConfigBinder binder)
    {
        foreach (var (kind, section) in new[] { (ComponentKind.Receiver, config.Receivers), (ComponentKind.Exporter, config.Exporters) })
        {
            foreach (var (id, component) in section)
            {
                OptionsWalker.Walk(component.Options, $"{kind.SectionName()}.{id}", (node, path) =>
                {
                    if (node is IStorageReference { Storage.Length: > 0 } reference && ComponentId.TryParse(reference.Storage, out var storage, out _))
                    {
                        Check(config, storage.Value, $"{path}.{reference.StorageKey}", binder);
                    }
                    else if (node is ServerAuthOptions auth && ComponentId.TryParse(auth.Authenticator, out var authenticator, out _))
                    {
                        Check(config, authenticator.Value, $"{path}.authenticator", binder);
                    }
                });
            }
        }
    }

    private static void Check(AgentConfig config, ComponentId storage, string path, ConfigBinder binder)
    {
        if (!config.Extensions.ContainsKey(storage))
        {
            binder.ErrorAt(path, $"names extension \"{storage}\", which is not configured under extensions");
        }
        else if (!config.ServiceExtensions.Contains(storage))
        {
            binder.ErrorAt(path, $"names extension \"{storage}\", which is not listed in service.extensions");
        }
    }
}
