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
        bool hostNetwork = false)
    {
        var meta = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["uid"] = uid,
            ["labels"] = Map(labels),
            ["annotations"] = new JsonObject { ["example.com/team"] = "blue" },
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
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }),
            },
            ["status"] = new JsonObject
            {
                ["phase"] = "Running",
                ["podIP"] = ip,
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

    public static JsonObject Node(string name, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["uid"] = "node-uid-" + name, ["labels"] = Map(labels) },
    };

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
