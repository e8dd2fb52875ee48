using Agent.Core.Components;
using Agent.Core.Model;

namespace Agent.Extensions.FileStorage;

public sealed class FileStorageFactory : IExtensionFactory
{
    public string Type => "file_storage";

    public Stability Stability => Stability.Beta;

    public IReadOnlyCollection<Signal> Signals => [];

    public object CreateDefaultOptions() => new FileStorageOptions();

    public IComponent CreateExtension(ComponentContext context)
    {
        var options = (FileStorageOptions)context.Options;
        bool useDefault = options.Directory.Length == 0;
        string directory = useDefault ? Path.Combine(context.Host.DefaultDataDirectory, "file_storage", context.Id.Name) : options.Directory;
        return new FileStorageExtension(directory, createIfMissing: useDefault || options.CreateDirectory);
    }
}
