using Agent.Core.Components;

namespace Agent.Service;

/// <summary>Every component type the agent ships, by section. Add a factory here to make its type configurable.</summary>
internal static class BuiltInComponents
{
    public static IReadOnlyList<IReceiverFactory> Receivers { get; } =
    [
        new Agent.Receivers.PodLogs.PodLogsReceiverFactory(),
    ];

    public static IReadOnlyList<IProcessorFactory> Processors { get; } =
    [
    ];

    public static IReadOnlyList<IExporterFactory> Exporters { get; } =
    [
    ];

    public static IReadOnlyList<IExtensionFactory> Extensions { get; } =
    [
    ];
}
