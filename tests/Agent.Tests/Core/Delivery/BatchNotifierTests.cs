using Agent.Core.Delivery;
using static Agent.Tests.Core.Model.TestBatches;

namespace Agent.Tests.Core.Delivery;

public class BatchNotifierTests
{
    [Fact]
    public void Resolves_only_when_the_last_holder_releases()
    {
        var notifier = new BatchNotifier();
        notifier.Retain(2);

        notifier.Release(DeliveryStatus.Delivered);
        notifier.Release(DeliveryStatus.Delivered);
        Assert.False(notifier.IsCompleted);

        notifier.Release(DeliveryStatus.Delivered);
        Assert.True(notifier.IsCompleted);
        Assert.Equal(DeliveryStatus.Delivered, StatusOf(notifier));
    }

    [Theory]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Errored, DeliveryStatus.Rejected, DeliveryStatus.Rejected)]
    [InlineData(DeliveryStatus.Rejected, DeliveryStatus.Delivered, DeliveryStatus.Errored, DeliveryStatus.Rejected)]
    [InlineData(DeliveryStatus.Errored, DeliveryStatus.Delivered, DeliveryStatus.Delivered, DeliveryStatus.Errored)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Delivered, DeliveryStatus.Errored, DeliveryStatus.Errored)]
    [InlineData(DeliveryStatus.Delivered, DeliveryStatus.Delivered, DeliveryStatus.Delivered, DeliveryStatus.Delivered)]
    public void The_worst_status_wins_whatever_the_order(DeliveryStatus first, DeliveryStatus second, DeliveryStatus third, DeliveryStatus expected)
    {
        var notifier = new BatchNotifier();
        notifier.Retain(2);

        notifier.Release(first);
        notifier.Release(second);
        notifier.Release(third);

        Assert.Equal(expected, StatusOf(notifier));
    }

    [Fact]
    public void A_resolved_notifier_refuses_more_releases_and_retains_and_keeps_its_result()
    {
        var notifier = new BatchNotifier();
        notifier.Release(DeliveryStatus.Errored);

        Assert.Throws<InvalidOperationException>(() => notifier.Release(DeliveryStatus.Delivered));
        Assert.Throws<InvalidOperationException>(() => notifier.Retain());
        Assert.Equal(DeliveryStatus.Errored, StatusOf(notifier));
    }

    [Fact]
    public void A_refused_retain_does_not_change_the_count()
    {
        var notifier = new BatchNotifier();
        notifier.Release(DeliveryStatus.Delivered);

        Assert.Throws<InvalidOperationException>(() => notifier.Retain(5));

        // Had the failed retain added its holders, this release would be accepted silently.
        Assert.Throws<InvalidOperationException>(() => notifier.Release(DeliveryStatus.Delivered));
    }

    [Fact]
    public void Concurrent_releases_resolve_once_with_the_worst_status()
    {
        const int holders = 2000;
        var notifier = new BatchNotifier();
        notifier.Retain(holders - 1);

        Parallel.For(0, holders, i => notifier.Release(i == 1234 ? DeliveryStatus.Rejected : DeliveryStatus.Delivered));

        Assert.True(notifier.IsCompleted);
        Assert.Equal(DeliveryStatus.Rejected, StatusOf(notifier));
    }

    [Fact]
    public void A_negative_retain_is_refused()
    {
        var notifier = new BatchNotifier();

        Assert.Throws<ArgumentOutOfRangeException>(() => notifier.Retain(-1));
    }
}
