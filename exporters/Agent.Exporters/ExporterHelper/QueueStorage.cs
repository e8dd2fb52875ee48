using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Core.Model;

namespace Agent.Exporters.ExporterHelper;

/// <summary>Where an exporter's persistent sending queue lives: its storage extension's directory for the exporter, one folder per signal.</summary>
public static class QueueStorage
{
    /// <summary>
    /// The directory of each signal's queue, resolved when the queue opens; null for a queue in memory.
    /// <paramref name="block"/> is the key the queue is configured under, for error messages.
    /// </summary>
    public static Func<Signal, string>? Locate(ComponentContext context, SendingQueueOptions options, string block = "sending_queue")
    {
        if (!options.Persistent)
        {
            return null;
        }

        return signal =>
        {
            // The loader already refused an id that is malformed or names no enabled extension.
            if (!ComponentId.TryParse(options.Storage, out var id, out string? error))
            {
                throw new InvalidOperationException($"exporter {context.Id}: {block}.storage: {error}");
            }

            var storage = context.Host.GetExtension<IStorageExtension>(id.Value)
                ?? throw new InvalidOperationException($"exporter {context.Id}: {block}.storage \"{options.Storage}\" names no configured storage extension");
            return Path.Combine(storage.GetDirectory(ComponentKind.Exporter, context.Id), signal.ConfigName());
        };
    }
}
