namespace Agent.Tests.Support;

/// <summary>
/// Tests that measure the agent's code against a clock it does not control (a file that lives 250 ms), run in the
/// test host itself: they run alone, after the parallel tests, since another test's CPU and collections in the same
/// process can stall them longer than that, which says nothing of the agent. xunit runs a collection with
/// parallelization disabled once every other collection has finished.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone: timing-sensitive";
}
