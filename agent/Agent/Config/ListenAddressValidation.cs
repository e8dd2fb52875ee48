using System.Net;
using Agent.Core.Components;
using Agent.Core.Config;
using Agent.Http;

namespace Agent.Config;

/// <summary>
/// Refuses two listeners on one port before anything starts (otherwise the second bind fails at run time): the
/// receivers of the pipelines, the service's extensions and the agent's own telemetry server. Addresses clash on
/// the same port when their hosts are the same or either listens on every interface; port 0 never clashes.
/// </summary>
internal static class ListenAddressValidation
{
    private sealed record Listener(string Path, ListenEndpoint Endpoint);

    public static void Validate(AgentConfig config, ConfigBinder binder)
    {
        var listeners = new List<Listener>();
        foreach (var id in config.Pipelines.SelectMany(p => p.Receivers).Distinct())
        {
            if (config.Receivers.TryGetValue(id, out var receiver))
            {
                Collect(receiver.Options, $"{ComponentKind.Receiver.SectionName()}.{id}", listeners);
            }
        }

        foreach (var id in config.ServiceExtensions.Distinct())
        {
            if (config.Extensions.TryGetValue(id, out var extension))
            {
                Collect(extension.Options, $"{ComponentKind.Extension.SectionName()}.{id}", listeners);
            }
        }

        Collect(config.Telemetry.Metrics, "service.telemetry.metrics", listeners);

        for (int i = 0; i < listeners.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (Clash(listeners[i].Endpoint, listeners[j].Endpoint))
                {
                    binder.ErrorAt(listeners[i].Path,
                        $"port {listeners[i].Endpoint.Port} is already used by {listeners[j].Path} ({binder.Location(listeners[j].Path)}); two listeners cannot share a port");
                    break;
                }
            }
        }
    }

    private static void Collect(object options, string path, List<Listener> listeners) =>
        OptionsWalker.Walk(options, path, (node, nodePath) =>
        {
            // An address that does not parse already has its own error from the options' validation.
            if (node is IListeningOptions { ListenAddress: { } address } && ListenEndpoint.TryParse(address.Endpoint, out var endpoint, out _))
            {
                listeners.Add(new Listener($"{nodePath}.{address.Key}", endpoint));
            }
        });

    private static bool Clash(ListenEndpoint a, ListenEndpoint b) =>
        a.Port != 0 && a.Port == b.Port && (IsEveryInterface(a.Host) || IsEveryInterface(b.Host) || string.Equals(Normalize(a.Host), Normalize(b.Host), StringComparison.OrdinalIgnoreCase));

    private static bool IsEveryInterface(string host) =>
        host.Length == 0 || (IPAddress.TryParse(host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)));

    // localhost binds 127.0.0.1 (see ListenEndpoint.ResolveAsync), so the two spellings are one address.
    private static string Normalize(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback.ToString() : host;
}
