using Agent.Core.Memory;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Core.Memory;

public class HandOffPoolTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task AnArrayReturnedOnAnotherThreadIsRentedAgain()
    {
        var pool = new HandOffPool<byte>(time: _time);
        var rented = Enumerable.Range(0, 40).Select(_ => pool.Rent(100_000)).ToArray();

        // The tailer rents, the sender returns: the pool must not care which thread gives an array back.
        await Task.Run(() =>
        {
            foreach (var array in rented)
            {
                pool.Return(array);
            }
        });

        var again = Enumerable.Range(0, 40).Select(_ => pool.Rent(100_000)).ToHashSet();
        Assert.True(again.SetEquals(rented));
    }

    [Fact]
    public void Clearing_drops_every_pooled_array_and_the_pool_fills_again_after()
    {
        var pool = new HandOffPool<byte>(time: _time);
        var small = pool.Rent(4096);
        var large = pool.Rent(4 * 1024 * 1024);
        pool.Return(small);
        pool.Return(large);
        Assert.Equal(2, pool.PooledCount);

        pool.Clear();

        Assert.Equal(0, pool.PooledCount);
        Assert.NotSame(large, pool.Rent(4 * 1024 * 1024));
        pool.Return(small);
        Assert.Same(small, pool.Rent(4096));
    }

    [Theory]
    [InlineData(0, 1024)]
    [InlineData(1, 1024)]
    [InlineData(1025, 2048)]
    [InlineData(131_072, 131_072)]
    [InlineData(131_073, 262_144)]
    public void RentsThePowerOfTwoAtOrAboveTheRequest(int requested, int length)
    {
        Assert.Equal(length, new HandOffPool<byte>(time: _time).Rent(requested).Length);
    }

    [Fact]
    public void KeepsNoMoreThanItsBoundAndDropsForeignArrays()
    {
        var pool = new HandOffPool<byte>(retainedBytesPerSize: 4 * 131_072, time: _time);
        var rented = Enumerable.Range(0, 10).Select(_ => pool.Rent(131_072)).ToList();
        rented.ForEach(array => pool.Return(array));
        pool.Return(new byte[3000]);

        Assert.Equal(4, pool.PooledCount);
    }

    [Fact]
    public void ArraysUnusedForAWholePeriodAreLetGo()
    {
        var pool = new HandOffPool<byte>(time: _time);
        var rented = Enumerable.Range(0, 6).Select(_ => pool.Rent(4096)).ToList();
        rented.ForEach(array => pool.Return(array));
        Assert.Equal(6, pool.PooledCount);

        // First period: the six were just returned; the trim only starts counting them.
        _time.Advance(HandOffPool<byte>.TrimPeriod);
        Assert.Equal(6, pool.PooledCount);

        // Second period: two are rented and returned, the other four sat idle the whole time and go.
        var busy = new[] { pool.Rent(4096), pool.Rent(4096) };
        pool.Return(busy[0]);
        pool.Return(busy[1]);
        long releasedBefore = PoolReleases.Bytes;
        _time.Advance(HandOffPool<byte>.TrimPeriod);

        Assert.Equal(2, pool.PooledCount);
        Assert.True(PoolReleases.Bytes - releasedBefore >= 4 * 4096, "the four dropped arrays are counted as released");
        Assert.Contains(pool.Rent(4096), busy);
    }

    [Fact]
    public void GrowKeepsWhatWasWrittenAndGivesTheOldArrayBack()
    {
        var pool = new HandOffPool<byte>(time: _time);
        var array = pool.Rent(1024);
        var old = array;
        new byte[] { 1, 2, 3 }.CopyTo(array, 0);

        pool.Grow(ref array, used: 3, minimumLength: 1500);

        Assert.Equal(2048, array.Length);
        Assert.Equal([1, 2, 3], array[..3]);
        Assert.Same(old, pool.Rent(1024));
    }

    [Fact]
    public void ClearsWhenAsked()
    {
        var pool = new HandOffPool<byte>(time: _time);
        var array = pool.Rent(2048);
        array.AsSpan().Fill(7);
        pool.Return(array, clearArray: true);

        Assert.All(pool.Rent(2048), b => Assert.Equal(0, b));
    }
}
