using Agent.Core.Components;
using Agent.Core.Model;
using Agent.Service;

namespace Agent.Cli;

/// <summary><c>agent components</c>: what can be configured, in the Collector's terms.</summary>
internal static class ComponentsCommand
{
    public static int Execute()
    {
        Console.WriteLine($"{"kind",-10} {"type",-24} {"stability",-12} signals");
        foreach (var (kind, factory) in ComponentRegistry.BuiltIn.All)
        {
            string signals = factory switch
            {
                IConnectorFactory connector => string.Join(", ", connector.Routes.Select(r => $"{r} ({connector.StabilityOf(r).ToString().ToLowerInvariant()})")),
                _ when factory.Signals.Count == 0 => "-",
                _ => string.Join(", ", factory.Signals.Select(s => s.ConfigName())),
            };
            Console.WriteLine($"{kind.ToString().ToLowerInvariant(),-10} {factory.Type,-24} {factory.Stability.ToString().ToLowerInvariant(),-12} {signals}");
        }

        return 0;
    }
}
