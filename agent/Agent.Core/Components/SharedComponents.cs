using System.Collections.Concurrent;

namespace Agent.Core.Components;

/// <summary>
/// State shared per component id for the whole process, as the Collector's sharedcomponent: every instance a
/// configured id gets (one per pipeline for processors) finds the same object, so a memory limiter or a Kubernetes
/// cache exists once per id. Created on first request, once even when requested from several threads at a time.
/// </summary>
public sealed class SharedComponents
{
    private readonly ConcurrentDictionary<(ComponentId Id, Type Type), Lazy<object>> _items = new();

    /// <summary>The object of type <typeparamref name="T"/> for <paramref name="id"/>, made by <paramref name="create"/> the first time.</summary>
    public T GetOrAdd<T>(ComponentId id, Func<T> create)
        where T : class =>
        (T)_items.GetOrAdd((id, typeof(T)), static (_, make) => new Lazy<object>(make, LazyThreadSafetyMode.ExecutionAndPublication), (Func<object>)create).Value;

    /// <summary>Drops what was made for <paramref name="id"/>, so the next request makes it anew (its configuration changed); holders keep theirs.</summary>
    public void Forget(ComponentId id)
    {
        foreach (var key in _items.Keys.Where(k => k.Id == id))
        {
            _items.TryRemove(key, out _);
        }
    }
}
