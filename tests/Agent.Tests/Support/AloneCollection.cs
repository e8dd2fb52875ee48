namespace Agent.Tests.Support;

/// <summary>
/// Tests that need the test host to themselves: those that measure the agent's code against a clock it does not
/// control (a file that lives 250 ms), which another test's CPU and collections could stall longer than that, and
/// those that count allocations through pools shared by the whole process, which another test could drain. Neither
/// says anything of the agent. xunit runs a collection with parallelization disabled once every other collection
/// has finished.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone: timing or shared pools";
}
