using Agent.Receivers.PodLogs;

namespace Agent.Tests.Receivers.PodLogs;

public class ReadBudgetTests
{
    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Reservations_within_the_capacity_are_granted_at_once_and_the_next_waits_for_a_release()
    {
        var budget = new ReadBudget(300);
        Assert.True(budget.ReserveAsync(100, CancellationToken.None).AsTask().IsCompletedSuccessfully);
        Assert.True(budget.ReserveAsync(200, CancellationToken.None).AsTask().IsCompletedSuccessfully);

        var third = budget.ReserveAsync(100, CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        Assert.Equal(1, budget.Waiting);

        budget.Release(100);
        await third;
        Assert.Equal(300, budget.Held);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task Waiters_are_served_in_turn_so_a_small_one_does_not_pass_a_large_one()
    {
        var budget = new ReadBudget(300);
        await budget.ReserveAsync(250, CancellationToken.None);
        var large = budget.ReserveAsync(200, CancellationToken.None).AsTask();
        var small = budget.ReserveAsync(10, CancellationToken.None).AsTask();

        // 10 would fit beside the 250, but the large reservation came first.
        Assert.False(small.IsCompleted);
        Assert.Equal(2, budget.Waiting);

        budget.Release(250);
        await Task.WhenAll(large, small);
        Assert.Equal(210, budget.Held);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_reservation_larger_than_the_capacity_is_granted_when_nothing_else_is_held()
    {
        var budget = new ReadBudget(100);
        await budget.ReserveAsync(50, CancellationToken.None);
        var oversized = budget.ReserveAsync(500, CancellationToken.None).AsTask();
        Assert.False(oversized.IsCompleted);

        budget.Release(50);
        await oversized;
        Assert.Equal(500, budget.Held);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_cancelled_wait_gives_its_turn_to_the_next_and_takes_nothing()
    {
        var budget = new ReadBudget(100);
        await budget.ReserveAsync(100, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = budget.ReserveAsync(80, cancel.Token).AsTask();
        var next = budget.ReserveAsync(60, CancellationToken.None).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, budget.Waiting);

        budget.Release(100);
        await next;
        Assert.Equal(60, budget.Held);
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public void The_capacity_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReadBudget(0));
}
