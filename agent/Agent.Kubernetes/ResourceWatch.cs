using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Agent.Kubernetes;

/// <summary>
/// Lists one resource, then watches it from the list's resourceVersion, as an informer does: bookmarks move the
/// resourceVersion on, a watch that ends normally is reopened where it stopped, a 410 Gone (the version was
/// compacted away) relists, and any other failure (API down, connection cut) retries after a backoff that doubles
/// up to a ceiling. Every failure is counted; the sink keeps what it has meanwhile. Used by the metadata cache and by
/// the scrape receiver's Kubernetes discovery, each with its own sink and counters.
/// </summary>
/// <typeparam name="T">The object (V1Pod…).</typeparam>
/// <typeparam name="TList">Its list (V1PodList…).</typeparam>
public sealed class ResourceWatch<T, TList>(
    string resource,
    Func<CancellationToken, Task<TList>> list,
    ResourceWatch<T, TList>.Watch watch,
    IWatchSink<T> sink,
    WatchTiming timing,
    IWatchTelemetry telemetry,
    ILogger logger)
    where T : IKubernetesObject<V1ObjectMeta>
    where TList : IKubernetesObject<V1ListMeta>, IItems<T>
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A watch from a resourceVersion, with bookmarks; errors the stream reports go to <paramref name="onError"/>.</summary>
    public delegate IAsyncEnumerable<(WatchEventType Type, T Item)> Watch(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);

    public string Resource => resource;

    /// <summary>Completes when the first list has been applied.</summary>
    public Task Synced => _synced.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = timing.InitialBackoff;
        string? version = null; // null: list first; else the watch resumes here, even after a cut connection
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                version ??= await ListAsync(cancellationToken).ConfigureAwait(false);
                version = await WatchFromAsync(version, cancellationToken).ConfigureAwait(false);
                backoff = timing.InitialBackoff;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Gone)
            {
                Gone();
                version = null;
            }
            catch (Exception ex)
            {
                telemetry.Failure(resource, "unavailable");
                logger.LogWarning("Kubernetes {Resource} list or watch failed ({Error}); serving cached metadata, retrying in {Backoff}", resource, ex.Message, backoff);
                try
                {
                    await Task.Delay(backoff, timing.Time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, timing.MaxBackoff.Ticks));
            }
        }
    }

    private async Task<string> ListAsync(CancellationToken cancellationToken)
    {
        var items = await list(cancellationToken).ConfigureAwait(false);
        sink.Replace(items.Items ?? []);
        telemetry.Cached(resource, sink.Count);
        _synced.TrySetResult();
        return items.Metadata?.ResourceVersion ?? string.Empty;
    }

    /// <summary>Applies one watch stream until the server ends it; returns the resourceVersion to watch from next, or null to relist.</summary>
    private async Task<string?> WatchFromAsync(string version, CancellationToken cancellationToken)
    {
        bool gone = false;
        void OnError(Exception error)
        {
            if (error is KubernetesException { Status.Code: (int)HttpStatusCode.Gone })
            {
                gone = true;
                return;
            }

            // An ERROR event other than Gone, an event of a type this client does not know, or a line that is not JSON.
            telemetry.Failure(resource, error is KubernetesException ? "error_event" : "malformed_event");
            logger.LogWarning("Kubernetes {Resource} watch sent an event that was skipped: {Error}", resource, error.Message);
        }

        await foreach (var (type, item) in watch(version, OnError, cancellationToken).ConfigureAwait(false))
        {
            if (gone)
            {
                break;
            }

            Apply(type, item);
            version = item?.Metadata?.ResourceVersion is { Length: > 0 } next ? next : version;
        }

        if (gone)
        {
            Gone();
            return null;
        }

        return version;
    }

    private void Apply(WatchEventType type, T? item)
    {
        if (item is null)
        {
            telemetry.Failure(resource, "malformed_event");
            return;
        }

        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                sink.Upsert(item);
                break;
            case WatchEventType.Deleted:
                sink.Delete(item);
                break;
            case WatchEventType.Bookmark:
                break;
            default:
                telemetry.Failure(resource, "malformed_event");
                return;
        }

        telemetry.Event(resource, type.ToString().ToLowerInvariant());
        telemetry.Cached(resource, sink.Count);
    }

    private void Gone()
    {
        telemetry.Failure(resource, "gone");
        logger.LogInformation("Kubernetes {Resource} watch is too old (410 Gone); listing again", resource);
    }
}

/// <summary>The clock and the reconnect backoff of the cache's watches.</summary>
public sealed record WatchTiming(TimeProvider Time, TimeSpan InitialBackoff, TimeSpan MaxBackoff)
{
    public static WatchTiming Default { get; } = new(TimeProvider.System, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
}
