namespace Agent.Kubernetes;

/// <summary>Where a watched resource's objects go: a full list replaces, watch events apply one at a time.</summary>
public interface IWatchSink<in T>
{
    /// <summary>How many objects the sink holds, for the cache's gauge.</summary>
    int Count { get; }

    /// <summary>The result of a list: what is not in it was deleted while nobody watched.</summary>
    void Replace(IEnumerable<T> items);

    void Upsert(T item);

    void Delete(T item);
}

/// <summary>What a <see cref="ResourceWatch{T, TList}"/> reports: its failures by reason, the events it applied, and how many objects its sink holds.</summary>
public interface IWatchTelemetry
{
    void Failure(string resource, string reason);

    void Event(string resource, string type);

    void Cached(string resource, int count);
}
