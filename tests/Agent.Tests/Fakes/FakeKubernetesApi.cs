using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Tests.Fakes;

/// <summary>
/// A stand-in for the Kubernetes API server on 127.0.0.1, serving list and watch for pods, ReplicaSets, namespaces
/// and nodes in the real API's JSON: lists carry the store's resourceVersion; <c>?watch=true</c> answers with a
/// chunked stream of <c>{"type":…,"object":…}</c> lines, replaying the events after the asked resourceVersion and
/// then the live ones; BOOKMARK events on demand; a watch from a version older than the last compaction gets the
/// real API's ERROR event with a 410 <c>Status</c>. Services and Endpoints are served too, cluster-wide and per
/// namespace. The field selector is honoured (<c>spec.nodeName=…</c>, <c>metadata.name=…</c>, <c>!=</c>), and so is
/// the label selector (<c>=</c>, <c>==</c>, <c>!=</c>, <c>in</c>, <c>notin</c>, <c>key</c>, <c>!key</c>). The store survives <see cref="StopAsync"/> / <see cref="StartAgainAsync"/>
/// (an API restart on the same port), as etcd would.
/// </summary>
public sealed partial class FakeKubernetesApi : IAsyncDisposable
{
    private static readonly Dictionary<string, (string Kind, string ApiVersion)> Kinds = new(StringComparer.Ordinal)
    {
        ["pods"] = ("Pod", "v1"),
        ["replicasets"] = ("ReplicaSet", "apps/v1"),
        ["namespaces"] = ("Namespace", "v1"),
        ["nodes"] = ("Node", "v1"),
        ["services"] = ("Service", "v1"),
        ["endpoints"] = ("Endpoints", "v1"),
    };

    private readonly object _lock = new();
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _store = Kinds.Keys.ToDictionary(kind => kind, _ => new Dictionary<string, JsonObject>(StringComparer.Ordinal));
    private readonly List<(long Version, string Resource, string Type, JsonObject Object)> _events = [];
    private readonly List<Watcher> _watchers = [];
    private readonly Dictionary<string, int> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _watches = new(StringComparer.Ordinal);
    private readonly List<string> _fieldSelectors = [];
    private readonly HashSet<string> _authorizations = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private long _version = 100;
    private long _compactedBelow;
    private int _port;

    private FakeKubernetesApi()
    {
    }

    public Uri BaseUri => new($"http://127.0.0.1:{_port}");

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var api = new FakeKubernetesApi();
        await api.StartAgainAsync().ConfigureAwait(false);
        return api;
    }

    /// <summary>Starts serving (again, on the same port after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port));
        var app = builder.Build();
        app.MapGet("/api/v1/pods", context => ServeAsync(context, "pods", null));
        app.MapGet("/api/v1/namespaces/{ns}/pods", context => ServeAsync(context, "pods", (string)context.Request.RouteValues["ns"]!));
        app.MapGet("/apis/apps/v1/replicasets", context => ServeAsync(context, "replicasets", null));
        app.MapGet("/api/v1/namespaces", context => ServeAsync(context, "namespaces", null));
        app.MapGet("/api/v1/nodes", context => ServeAsync(context, "nodes", null));
        foreach (string resource in new[] { "services", "endpoints" })
        {
            app.MapGet($"/api/v1/{resource}", context => ServeAsync(context, resource, null));
            app.MapGet($"/api/v1/namespaces/{{ns}}/{resource}", context => ServeAsync(context, resource, (string)context.Request.RouteValues["ns"]!));
        }

        await app.StartAsync().ConfigureAwait(false);
        _port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _app = app;
    }

    /// <summary>Stops serving: open watches are cut mid-stream (connections aborted), new requests are refused.</summary>
    public async Task StopAsync()
    {
        var app = Interlocked.Exchange(ref _app, null);
        if (app is null)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var watcher in _watchers)
            {
                watcher.Context.Abort();
            }
        }

        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>How many lists of <paramref name="resource"/> were served (a relist adds one).</summary>
    public int ListCount(string resource)
    {
        lock (_lock)
        {
            return _lists.GetValueOrDefault(resource);
        }
    }

    /// <summary>How many watches of <paramref name="resource"/> were opened.</summary>
    public int WatchCount(string resource)
    {
        lock (_lock)
        {
            return _watches.GetValueOrDefault(resource);
        }
    }

    /// <summary>The field selectors of every pod request, in order.</summary>
    /// <summary>Every distinct Authorization header the lists and watches came with ("" for none).</summary>
    public IReadOnlyList<string> Authorizations
    {
        get
        {
            lock (_lock)
            {
                return [.. _authorizations];
            }
        }
    }

    public IReadOnlyList<string> PodFieldSelectors
    {
        get
        {
            lock (_lock)
            {
                return [.. _fieldSelectors];
            }
        }
    }

    /// <summary>Open watch streams of <paramref name="resource"/>.</summary>
    public int OpenWatches(string resource)
    {
        lock (_lock)
        {
            return _watchers.Count(watcher => watcher.Resource == resource);
        }
    }

    /// <summary>Creates or replaces an object (ADDED or MODIFIED to watchers).</summary>
    public void Put(string resource, JsonObject item)
    {
        lock (_lock)
        {
            string key = KeyOf(item);
            string type = _store[resource].ContainsKey(key) ? "MODIFIED" : "ADDED";
            item["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
            _store[resource][key] = item;
            Publish(resource, type, item);
        }
    }

    /// <summary>Puts many objects at once (one resourceVersion each), for big clusters.</summary>
    public void PutAll(string resource, IEnumerable<JsonObject> items)
    {
        foreach (var item in items)
        {
            Put(resource, item);
        }
    }

    public void Delete(string resource, string? ns, string name)
    {
        lock (_lock)
        {
            string key = ns is null ? name : $"{ns}/{name}";
            if (_store[resource].Remove(key, out var item))
            {
                item["metadata"]!["resourceVersion"] = (++_version).ToString(CultureInfo.InvariantCulture);
                Publish(resource, "DELETED", item);
            }
        }
    }

    /// <summary>
    /// Forgets the event history, as etcd's compaction does: open watches get the 410 ERROR event and end, and a
    /// watch from any earlier version is answered with it.
    /// </summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compactedBelow = _version + 1;
            _events.Clear();
            foreach (var watcher in _watchers)
            {
                watcher.Lines.Writer.TryWrite(GoneLine(watcher.From));
                watcher.Lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion on every open watch of <paramref name="resource"/>.</summary>
    public void Bookmark(string resource)
    {
        lock (_lock)
        {
            var (kind, apiVersion) = Kinds[resource];
            var bookmark = new JsonObject
            {
                ["type"] = "BOOKMARK",
                ["object"] = new JsonObject
                {
                    ["kind"] = kind,
                    ["apiVersion"] = apiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                },
            }.ToJsonString();
            Send(resource, bookmark);
        }
    }

    /// <summary>Writes one raw line on every open watch of <paramref name="resource"/> (an event this client does not know).</summary>
    public void SendRaw(string resource, string line)
    {
        lock (_lock)
        {
            Send(resource, line);
        }
    }

    private void Send(string resource, string line)
    {
        foreach (var watcher in _watchers.Where(watcher => watcher.Resource == resource))
        {
            watcher.Lines.Writer.TryWrite(line);
        }
    }

    private void Publish(string resource, string type, JsonObject item)
    {
        var copy = (JsonObject)item.DeepClone();
        _events.Add((_version, resource, type, copy));
        foreach (var watcher in _watchers.Where(watcher => watcher.Resource == resource && watcher.Matches(copy)))
        {
            watcher.Lines.Writer.TryWrite(EventLine(resource, type, copy));
        }
    }

    private async Task ServeAsync(HttpContext context, string resource, string? ns)
    {
        var query = context.Request.Query;
        var fields = FieldSelector.Parse(query["fieldSelector"].ToString());
        var labels = LabelSelector.Parse(query["labelSelector"].ToString());
        if (fields is null || labels is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(StatusJson(400, "BadRequest", "unsupported field or label selector")).ConfigureAwait(false);
            return;
        }

        var selector = new Selector(fields, labels);

        bool watch = query["watch"] is { Count: > 0 } flag && (flag.ToString() is "true" or "1");
        lock (_lock)
        {
            _authorizations.Add(context.Request.Headers.Authorization.ToString());
            (watch ? _watches : _lists)[resource] = (watch ? _watches : _lists).GetValueOrDefault(resource) + 1;
            if (resource == "pods")
            {
                _fieldSelectors.Add(query["fieldSelector"].ToString());
            }
        }

        context.Response.ContentType = "application/json";
        if (watch)
        {
            long from = long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out long version) ? version : 0;
            await WatchAsync(context, new Watcher(context, resource, ns, selector, from)).ConfigureAwait(false);
            return;
        }

        string body;
        lock (_lock)
        {
            var (kind, apiVersion) = Kinds[resource];
            var items = new JsonArray([.. _store[resource].Values.Where(item => InNamespace(item, ns) && selector.Matches(item)).Select(item => item.DeepClone())]);
            body = new JsonObject
            {
                ["kind"] = kind + "List",
                ["apiVersion"] = apiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = _version.ToString(CultureInfo.InvariantCulture) },
                ["items"] = items,
            }.ToJsonString();
        }

        await context.Response.WriteAsync(body).ConfigureAwait(false);
    }

    private async Task WatchAsync(HttpContext context, Watcher watcher)
    {
        lock (_lock)
        {
            if (watcher.From < _compactedBelow)
            {
                watcher.Lines.Writer.TryWrite(GoneLine(watcher.From));
                watcher.Lines.Writer.TryComplete();
            }
            else
            {
                foreach (var (version, resource, type, item) in _events)
                {
                    if (version > watcher.From && resource == watcher.Resource && watcher.Matches(item))
                    {
                        watcher.Lines.Writer.TryWrite(EventLine(resource, type, item));
                    }
                }

                _watchers.Add(watcher);
            }
        }

        try
        {
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await foreach (string line in watcher.Lines.Reader.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the server was stopped.
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(watcher);
            }
        }
    }

    private string GoneLine(long from) =>
        $"{{\"type\":\"ERROR\",\"object\":{StatusJson(410, "Expired", $"too old resource version: {from} ({_compactedBelow})")}}}";

    private static string StatusJson(int code, string reason, string message) => new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    }.ToJsonString();

    private static string EventLine(string resource, string type, JsonObject item)
    {
        var (kind, apiVersion) = Kinds[resource];
        var withKind = (JsonObject)item.DeepClone();
        withKind["kind"] = kind;
        withKind["apiVersion"] = apiVersion;
        return new JsonObject { ["type"] = type, ["object"] = withKind }.ToJsonString();
    }

    private static string KeyOf(JsonObject item)
    {
        var meta = item["metadata"]!;
        string name = (string)meta["name"]!;
        return meta["namespace"] is { } ns ? $"{(string)ns!}/{name}" : name;
    }

    private static bool InNamespace(JsonObject item, string? ns) =>
        ns is null || (string?)item["metadata"]!["namespace"] == ns;

    private sealed class Watcher(HttpContext context, string resource, string? ns, Selector selector, long from)
    {
        public HttpContext Context { get; } = context;

        public string Resource { get; } = resource;

        public long From { get; } = from;

        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();

        public bool Matches(JsonObject item) => InNamespace(item, ns) && selector.Matches(item);
    }
}
