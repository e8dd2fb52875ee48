using Agent.Core.Components;

namespace Agent.Tests.Core.Components;

/// <summary>One object per component id and type for the whole process, made once even under a race.</summary>
public class SharedComponentsTests
{
    private sealed class Cache(ComponentId owner)
    {
        public ComponentId Owner { get; } = owner;
    }

    [Fact]
    public void Every_instance_of_an_id_gets_the_same_object_and_other_ids_their_own()
    {
        var host = new TestHost();
        var limiter = new ComponentId("memory_limiter");
        var inTraces = host.Context(limiter, new object());
        var inLogs = host.Context(limiter, new object());
        int made = 0;
        Cache Make()
        {
            made++;
            return new Cache(limiter);
        }

        var first = inTraces.Shared(Make);
        var second = inLogs.Shared(Make);
        var other = host.Context(new ComponentId("memory_limiter", "other"), new object()).Shared(() => new Cache(new ComponentId("memory_limiter", "other")));

        Assert.Same(first, second);
        Assert.Equal(1, made);
        Assert.NotSame(first, other);
        Assert.Equal("memory_limiter/other", other.Owner.ToString());
    }

    [Fact]
    public void Objects_of_different_types_under_one_id_are_kept_apart()
    {
        var shared = new SharedComponents();
        var id = new ComponentId("k8sattributes");

        var cache = shared.GetOrAdd(id, () => new Cache(id));
        var list = shared.GetOrAdd(id, () => new List<string> { "pods" });

        Assert.Same(cache, shared.GetOrAdd(id, () => new Cache(new ComponentId("never"))));
        Assert.Equal(["pods"], list);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Racing_first_requests_make_one_object()
    {
        var shared = new SharedComponents();
        var id = new ComponentId("memory_limiter");
        int made = 0;
        using var gate = new ManualResetEventSlim();

        var requests = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            gate.Wait();
            return shared.GetOrAdd(id, () =>
            {
                Interlocked.Increment(ref made);
                return new Cache(id);
            });
        })).ToArray();
        gate.Set();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, made);
        Assert.All(results, r => Assert.Same(results[0], r));
    }
}
