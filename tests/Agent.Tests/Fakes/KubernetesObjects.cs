using System.Text.Json.Nodes;

namespace Agent.Tests.Fakes;

/// <summary>Objects in the API's JSON shape, for <see cref="FakeKubernetesApi"/>.</summary>
public static class KubernetesObjects
{
    /// <summary>A running pod with one container (<c>app</c>) whose status carries a containerd id.</summary>
    public static JsonObject Pod(
        string ns,
        string name,
        string uid,
        string? ip = null,
        string node = "node-a",
        IReadOnlyDictionary<string, string>? labels = null,
        (string Kind, string Name, string Uid)? owner = null,
        string image = "registry.example:5000/team/app:1.4.2",
        string? containerId = null,
        bool hostNetwork = false,
        IReadOnlyDictionary<string, string>? annotations = null,
        IReadOnlyList<(string Name, int Port)>? ports = null)
    {
        var meta = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["uid"] = uid,
            ["labels"] = Map(labels),
            ["annotations"] = annotations is null ? new JsonObject { ["example.com/team"] = "blue" } : Map(annotations),
        };
        if (owner is { } o)
        {
            meta["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = o.Kind == "Job" ? "batch/v1" : "apps/v1",
                ["kind"] = o.Kind,
                ["name"] = o.Name,
                ["uid"] = o.Uid,
                ["controller"] = true,
            });
        }

        return new JsonObject
        {
            ["metadata"] = meta,
            ["spec"] = new JsonObject
            {
                ["nodeName"] = node,
                ["hostNetwork"] = hostNetwork,
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "app",
                    ["image"] = image,
                    ["ports"] = new JsonArray([.. (ports ?? []).Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["containerPort"] = p.Port, ["protocol"] = "TCP" })]),
                }),
            },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = ip,
                ["hostIP"] = "192.168.1.10",
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
                ["startTime"] = "2026-11-30T08:15:00Z",
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = "app",
                    ["image"] = image,
                    ["ready"] = true,
                    ["restartCount"] = 0,
                    ["imageID"] = string.Empty,
                    ["containerID"] = containerId is null ? null : "containerd://" + containerId,
                }),
            },
        };
    }

    /// <summary>A ReplicaSet owned by a Deployment.</summary>
    public static JsonObject ReplicaSet(string ns, string name, string uid, string deployment) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["uid"] = uid,
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "Deployment",
                ["name"] = deployment,
                ["uid"] = "dep-" + uid,
                ["controller"] = true,
            }),
        },
    };

    public static JsonObject Namespace(string name, string uid, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["uid"] = uid, ["labels"] = Map(labels) },
    };

    public static JsonObject Node(string name, IReadOnlyDictionary<string, string>? labels = null, IReadOnlyList<(string Type, string Address)>? addresses = null) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["uid"] = "node-uid-" + name, ["labels"] = Map(labels) },
        ["spec"] = new JsonObject { ["providerID"] = "test://" + name },
        ["status"] = new JsonObject
        {
            ["addresses"] = new JsonArray([.. (addresses ?? []).Select(a => (JsonNode)new JsonObject { ["type"] = a.Type, ["address"] = a.Address })]),
            ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
        },
    };

    /// <summary>A ClusterIP service with the given ports.</summary>
    public static JsonObject Service(string ns, string name, IReadOnlyList<(string Name, int Port)> ports, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = "svc-uid-" + name, ["labels"] = Map(labels) },
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = "10.96.0.20",
            ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = "TCP" })]),
        },
    };

    /// <summary>The Endpoints of a service: each address backed by a pod on <c>node-a</c>, ready or not.</summary>
    public static JsonObject Endpoints(string ns, string name, IReadOnlyList<(string Ip, string Pod, bool Ready)> addresses, IReadOnlyList<(string Name, int Port)> ports)
    {
        JsonNode Address((string Ip, string Pod, bool Ready) a) => new JsonObject
        {
            ["ip"] = a.Ip,
            ["nodeName"] = "node-a",
            ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["name"] = a.Pod, ["namespace"] = ns },
        };

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = "ep-uid-" + name },
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray([.. addresses.Where(a => a.Ready).Select(Address)]),
                ["notReadyAddresses"] = new JsonArray([.. addresses.Where(a => !a.Ready).Select(Address)]),
                ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = "TCP" })]),
            }),
        };
    }

    private static JsonObject Map(IReadOnlyDictionary<string, string>? pairs)
    {
        var map = new JsonObject();
        foreach (var (key, value) in pairs ?? new Dictionary<string, string>())
        {
            map[key] = value;
        }

        return map;
    }
}
