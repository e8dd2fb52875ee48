namespace Agent.LoadHarness.Measurement;

/// <summary>Samples a process's resident memory at a fixed interval until stopped: average and peak.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _sum;
    private long _max;
    private int _count;

    private RssSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        _loop = SampleAsync(interval);
    }

    public static RssSampler Start(int pid, TimeSpan interval) => new(pid, interval);

    public double AverageMiB => _count == 0 ? 0 : (double)_sum / _count / Units.MiB;

    public double MaxMiB => (double)_max / Units.MiB;

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            long rss = ProcStats.ResidentBytes(_pid);
            if (rss > 0)
            {
                _sum += rss;
                _max = Math.Max(_max, rss);
                _count++;
            }
        }
        while (await Tick(timer).ConfigureAwait(false));
    }

    private async ValueTask<bool> Tick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
