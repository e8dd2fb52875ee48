using Agent.Core.Config;
using Agent.Core.Consumers;
using Polly;
using Polly.Retry;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// Builds the Polly pipeline for the Collector's <c>retry_on_failure</c>: exponential backoff with jitter, a delay
/// the peer asked for (Retry-After) honoured, permanent errors never retried, and a bound on the total time.
/// </summary>
internal static class RetryPolicy
{
    private static readonly ResiliencePropertyKey<long> StartedAt = new("agent.retry.started");

    public static ResiliencePipeline Create(RetryOptions options, TimeProvider time, Func<bool> stopping)
    {
        if (!options.Enabled)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.Context, options, time, stopping)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    WithinBudget(NextDelay(options, args.AttemptNumber, args.Outcome.Exception), args.Context, options, time)),
            })
            .Build();
    }

    /// <summary>Starts the clock that <c>max_elapsed_time</c> is measured against.</summary>
    public static void MarkStart(ResilienceContext context, TimeProvider time) =>
        context.Properties.Set(StartedAt, time.GetTimestamp());

    private static bool ShouldRetry(Exception? error, ResilienceContext context, RetryOptions options, TimeProvider time, Func<bool> stopping)
    {
        if (error is null or PermanentException || stopping())
        {
            return false;
        }

        if (options.MaxElapsedTime == TimeSpan.Zero)
        {
            return true;
        }

        return !context.Properties.TryGetValue(StartedAt, out long started) ||
               time.GetElapsedTime(started) < options.MaxElapsedTime;
    }

    /// <summary>
    /// Never sleeps past <c>max_elapsed_time</c>: a long Retry-After or backoff is cut to what is left, so the last
    /// attempt happens at the deadline and the batch is given up on time instead of after the whole wait.
    /// </summary>
    private static TimeSpan WithinBudget(TimeSpan delay, ResilienceContext context, RetryOptions options, TimeProvider time)
    {
        if (options.MaxElapsedTime == TimeSpan.Zero || !context.Properties.TryGetValue(StartedAt, out long started))
        {
            return delay;
        }

        var left = options.MaxElapsedTime - time.GetElapsedTime(started);
        return left < delay ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : delay;
    }

    internal static TimeSpan NextDelay(RetryOptions options, int attempt, Exception? error)
    {
        if (error is RetryableException { RetryAfter: { } asked } && asked > TimeSpan.Zero)
        {
            return asked;
        }

        double interval = options.InitialInterval.TotalMilliseconds * Math.Pow(options.Multiplier, attempt);
        interval = Math.Min(interval, options.MaxInterval.TotalMilliseconds);
        double spread = interval * options.RandomizationFactor;
        double jittered = interval - spread + (Random.Shared.NextDouble() * 2 * spread);
        return TimeSpan.FromMilliseconds(Math.Max(1, jittered));
    }
}
