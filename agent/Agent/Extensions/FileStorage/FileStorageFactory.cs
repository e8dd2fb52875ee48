using Agent.Core.Components;

namespace Agent.Extensions.FileStorage;

public sealed class FileStorageFactory() : ExtensionFactory<FileStorageOptions>("file_storage", Stability.Beta)
{
    protected override IComponent Create(ComponentContext context, FileStorageOptions options)
    {
        bool useDefault = options.Directory.Length == 0;
        string directory = useDefault ? Path.Combine(context.Host.DefaultDataDirectory, "file_storage", context.Id.Name) : options.Directory;
        return new FileStorageExtension(directory, createIfMissing: useDefault || options.CreateDirectory);
    }
}
