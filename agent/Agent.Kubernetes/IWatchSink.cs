namespace Agent.Kubernetes;

/// <summary>Where a watched resource's objects go: a full list replaces, watch events apply one at a time.</summary>
internal interface IWatchSink<in T>
{
    /// <summary>How many objects the sink holds, for the cache's gauge.</summary>
    int Count { get; }

    /// <summary>The result of a list: what is not in it was deleted while nobody watched.</summary>
    void Replace(IEnumerable<T> items);

    void Upsert(T item);

    void Delete(T item);
}
