using Agent.Core.Model;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace Agent.Receivers.Scraping;

/// <summary>
/// Runs one scraper for its controller: bounds each scrape by the timeout, counts and logs what came of it, and
/// never starts a scrape while an abandoned one (it ignored its timeout) is still running.
/// </summary>
internal sealed partial class ScrapeRunner(IMetricsScraper scraper, ScraperTelemetry telemetry, TimeSpan timeout, TimeProvider time, ILogger logger)
{
    private Task<ScrapeResult>? _running;

    public IMetricsScraper Scraper => scraper;

    /// <summary>What the scraper read, or null when it read nothing (failed, timed out, or the receiver is stopping).</summary>
    public async Task<ExportMetricsServiceRequest?> ScrapeAsync(CancellationToken stopping)
    {
        if (_running is { IsCompleted: false })
        {
            telemetry.Busy();
            LogBusy(logger, scraper.Name);
            return null;
        }

        long started = time.GetTimestamp();
        using var limit = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan, time);
        using var scrape = CancellationTokenSource.CreateLinkedTokenSource(stopping, limit.Token);
        try
        {
            _running = scraper.ScrapeAsync(scrape.Token).AsTask();

            // Waiting on the token as well lets the loop go on past a scraper that does not listen to it.
            var result = await _running.WaitAsync(scrape.Token).ConfigureAwait(false);
            telemetry.Took(time.GetElapsedTime(started));
            int points = new MetricsBatch(result.Metrics).ItemCount;
            telemetry.Scraped(points, result.FailedPoints);
            if (result.FailedPoints > 0)
            {
                LogPartial(logger, scraper.Name, result.FailedPoints, result.Error ?? "no reason given");
            }

            return result.Metrics;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            telemetry.Took(time.GetElapsedTime(started));
            telemetry.TimedOut();
            LogTimedOut(logger, scraper.Name, timeout);
            return null;
        }
        catch (Exception ex)
        {
            telemetry.Took(time.GetElapsedTime(started));
            telemetry.Failed();
            LogFailed(logger, ex, scraper.Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scraper {Scraper} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string scraper);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scraper {Scraper} did not finish within its timeout of {Timeout}")]
    private static partial void LogTimedOut(ILogger logger, string scraper, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scraper {Scraper} is skipped: its previous scrape, past its timeout, has not returned yet")]
    private static partial void LogBusy(ILogger logger, string scraper);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scraper {Scraper} could not read {Points} metric points: {Error}")]
    private static partial void LogPartial(ILogger logger, string scraper, int points, string error);
}
