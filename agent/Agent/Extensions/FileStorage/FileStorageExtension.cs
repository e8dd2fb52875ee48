using Agent.Core.Components;

namespace Agent.Extensions.FileStorage;

/// <summary>Gives each component a private directory under one root for checkpoints.</summary>
internal sealed class FileStorageExtension : IComponent, IStorageExtension
{
    private readonly string _root;
    private readonly bool _createIfMissing;

    public FileStorageExtension(string root, bool createIfMissing)
    {
        _root = root;
        _createIfMissing = createIfMissing;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureRoot();
        return Task.CompletedTask;
    }

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public string GetDirectory(ComponentKind kind, ComponentId component)
    {
        EnsureRoot();

        // The Collector names a component's storage <kind>_<type>_<name>; names may hold characters a path cannot.
        string name = $"{kind.ToString().ToLowerInvariant()}_{component.Type}" + (component.Name.Length > 0 ? $"_{Sanitize(component.Name)}" : string.Empty);
        string directory = Path.Combine(_root, name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private void EnsureRoot()
    {
        if (_createIfMissing)
        {
            Directory.CreateDirectory(_root);
        }
        else if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"file_storage directory \"{_root}\" does not exist");
        }
    }

    private static string Sanitize(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '~'));

    public override string ToString() => $"extension file_storage ({_root})";
}
