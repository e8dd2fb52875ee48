using Agent.Core.Components;

namespace Agent.Service;

/// <summary>The component types the agent knows, looked up by section and type name.</summary>
internal sealed class ComponentRegistry
{
    private readonly Dictionary<(ComponentKind, string), IComponentFactory> _factories = [];

    public ComponentRegistry(
        IEnumerable<IReceiverFactory> receivers,
        IEnumerable<IProcessorFactory> processors,
        IEnumerable<IExporterFactory> exporters,
        IEnumerable<IExtensionFactory> extensions,
        IEnumerable<IConnectorFactory>? connectors = null)
    {
        Add(ComponentKind.Receiver, receivers);
        Add(ComponentKind.Processor, processors);
        Add(ComponentKind.Exporter, exporters);
        Add(ComponentKind.Extension, extensions);
        Add(ComponentKind.Connector, connectors ?? []);
    }

    /// <summary>Every component the agent ships.</summary>
    public static ComponentRegistry BuiltIn { get; } = new(
        BuiltInComponents.Receivers, BuiltInComponents.Processors, BuiltInComponents.Exporters, BuiltInComponents.Extensions, BuiltInComponents.Connectors);

    public IComponentFactory? Find(ComponentKind kind, string type) =>
        _factories.GetValueOrDefault((kind, type));

    public IEnumerable<string> TypesOf(ComponentKind kind) =>
        _factories.Keys.Where(k => k.Item1 == kind).Select(k => k.Item2).Order(StringComparer.Ordinal);

    public IEnumerable<(ComponentKind Kind, IComponentFactory Factory)> All =>
        _factories.OrderBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).Select(p => (p.Key.Item1, p.Value));

    private void Add(ComponentKind kind, IEnumerable<IComponentFactory> factories)
    {
        foreach (var factory in factories)
        {
            _factories.Add((kind, factory.Type), factory);
        }
    }
}
