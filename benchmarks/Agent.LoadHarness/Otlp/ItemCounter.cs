namespace Agent.LoadHarness.Otlp;

/// <summary>A sink's running count of items, added to from its request threads.</summary>
internal sealed class ItemCounter
{
    private long _items;

    public long Items => Interlocked.Read(ref _items);

    public void Add(long items) => Interlocked.Add(ref _items, items);
}

/// <summary>A count carried through gRPC's marshallers, which want reference types: items in a request, or rejected in an answer.</summary>
internal sealed record ItemCount(long Items);
