using System.Net;
using Agent.Core.Model;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Model;

/// <summary>Merged batches keep the client only when they share it, so data is never attributed to the wrong client.</summary>
public class BatchClientContextTests
{
    private static ClientContext Client(string address, string? tenant = null) => new(
        IPAddress.Parse(address),
        tenant is null ? null : new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["x-tenant"] = [tenant] });

    [Fact]
    public void Batches_from_the_same_client_keep_its_context_when_merged()
    {
        var first = Traces(("a", 1));
        var second = Traces(("b", 1));
        first.Context = Client("10.0.0.7", "team-a");
        second.Context = Client("10.0.0.7", "team-a"); // equal, not the same instance

        first.Append(second);

        Assert.Equal(IPAddress.Parse("10.0.0.7"), first.Context.PeerAddress);
        Assert.Equal(["team-a"], first.Context.Metadata["X-Tenant"]);
    }

    [Theory]
    [InlineData("10.0.0.8", "team-a")]
    [InlineData("10.0.0.7", "team-b")]
    [InlineData("10.0.0.7", null)]
    public void Batches_from_different_clients_merge_into_an_empty_context(string address, string? tenant)
    {
        var first = Logs(("a", 1));
        var second = Logs(("b", 1));
        first.Context = Client("10.0.0.7", "team-a");
        second.Context = Client(address, tenant);

        first.Append(second);

        Assert.Same(ClientContext.Empty, first.Context);
    }

    [Fact]
    public void An_empty_batch_takes_the_context_of_what_is_merged_into_it_and_nothing_merged_changes_nothing()
    {
        var empty = new MetricsBatch();
        var full = Metrics(("a", 2));
        full.Context = Client("10.0.0.9");

        empty.Append(full);
        Assert.Equal(IPAddress.Parse("10.0.0.9"), empty.Context.PeerAddress);

        empty.Append(new MetricsBatch());
        Assert.Equal(IPAddress.Parse("10.0.0.9"), empty.Context.PeerAddress);
    }

    [Fact]
    public void Split_parts_and_copies_keep_the_context()
    {
        var batch = Traces(("a", 4));
        batch.Context = Client("10.0.0.7");

        var front = batch.SplitFront(2);
        var copy = batch.Clone();

        Assert.All([front, batch, copy], b => Assert.Same(batch.Context, b.Context));
    }
}
