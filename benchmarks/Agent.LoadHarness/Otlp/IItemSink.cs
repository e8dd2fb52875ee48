namespace Agent.LoadHarness.Otlp;

/// <summary>Where the agent under load sends what it receives: a loopback port and a running count of items.</summary>
internal interface IItemSink : IAsyncDisposable
{
    int Port { get; }

    long Items { get; }
}
