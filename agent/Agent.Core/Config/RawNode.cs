namespace Agent.Core.Config;

/// <summary>
/// A piece of configuration handed to a component as written, for options whose shape belongs to another tool
/// (the Prometheus receiver's <c>config: {scrape_configs: [...]}</c>). Declare the option as <see cref="RawNode"/>
/// to accept any shape, or as <see cref="RawMapping"/>, <see cref="RawSequence"/> or <see cref="RawScalar"/> to
/// have the binder require that shape. Environment references in scalars are already expanded, and every node
/// keeps its position and key path, so the component can report errors inside the subtree as the loader does.
/// The binder also records those key paths, so an <see cref="IValidatable"/> may name them directly. An option
/// written without a value (<c>config:</c>) is bound as null, like any other absent option.
/// </summary>
public abstract class RawNode
{
    private protected RawNode(string path, ConfigPosition position)
    {
        Path = path;
        Position = position;
    }

    /// <summary>The key path, e.g. <c>receivers.prometheus.config.scrape_configs[0].job_name</c>.</summary>
    public string Path { get; }

    public ConfigPosition Position { get; }

    /// <summary>A problem with this node in the loader's error shape: <c>file:line:column: key.path: message</c>.</summary>
    public string ErrorMessage(string message) => $"{Position}: {Path}: {message}";
}
