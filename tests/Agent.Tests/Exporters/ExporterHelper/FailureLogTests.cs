using Agent.Core.Config;
using Agent.Core.Consumers;
using Agent.Core.Delivery;
using Agent.Core.Model;
using Agent.Exporters.ExporterHelper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Tests.Exporters.ExporterHelper;

/// <summary>An outage is logged when it starts, at most once a minute while it lasts, and when it ends.</summary>
public sealed class FailureLogTests
{
    [Fact]
    public void The_first_failure_warns_later_ones_are_summed_once_a_minute_and_recovery_is_told_once()
    {
        var time = new FakeTimeProvider();
        var logger = new RecordingLogger();
        var log = new FailureLog("otlp/tempo", logger, time);

        log.Succeeded();
        Assert.Empty(logger.Entries);

        log.Failed(new RetryableException("connection refused"));
        var first = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, first.Level);
        Assert.Contains("otlp/tempo cannot send, retrying: connection refused", first.Message, StringComparison.Ordinal);

        for (int i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            log.Failed(new RetryableException("connection refused"));
        }

        Assert.Single(logger.Entries);

        time.Advance(TimeSpan.FromSeconds(30));
        log.Failed(new RetryableException("503"));
        Assert.Equal(2, logger.Entries.Count);
        Assert.Contains("still cannot send: 31 failed attempts in the last 60s; last error: 503", logger.Entries[1].Message, StringComparison.Ordinal);

        log.Succeeded();
        log.Succeeded();
        Assert.Equal(3, logger.Entries.Count);
        Assert.Equal(LogLevel.Information, logger.Entries[2].Level);
        Assert.Contains("otlp/tempo sends again after 32 failed attempts over 60s", logger.Entries[2].Message, StringComparison.Ordinal);

        // A new outage starts over with one warning.
        log.Failed(new RetryableException("reset"));
        Assert.Equal(4, logger.Entries.Count);
        Assert.Contains("cannot send, retrying: reset", logger.Entries[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_queue_that_cannot_write_logs_one_error_while_its_disk_stays_full_and_one_line_when_it_writes_again()
    {
        var time = new FakeTimeProvider();
        var logger = new RecordingLogger();
        var log = new FailureLog(new QueueWriteFailureLines("loki", logger), time);

        for (int i = 0; i < 50; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            log.Failed(new IOException("No space left on device : '/var/lib/agent/queue/exporter_loki/logs/shard-0/00000000000000000001.seg'"));
        }

        var first = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, first.Level);
        Assert.Contains("loki cannot write to its sending queue and refuses data until it can (the sources retry): No space left on device", first.Message, StringComparison.Ordinal);

        log.Succeeded();
        Assert.Equal(2, logger.Entries.Count);
        Assert.Equal(LogLevel.Information, logger.Entries[1].Level);
        Assert.Contains("loki writes to its sending queue again after 50 failed writes over 4.9s", logger.Entries[1].Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Default)]
    public async Task A_request_retried_then_sent_counts_as_sent_only_and_logs_the_outage_and_the_recovery()
    {
        var id = OtlpSamples.UniqueId("outage");
        var logger = new RecordingLogger();
        int attempts = 0;
        var sender = DelegateSender.Accepting((_, _) => Interlocked.Increment(ref attempts) <= 3
            ? throw new RetryableException("backend down")
            : ValueTask.CompletedTask);
        var exporter = new RequestExporter<TracesBatch>(id, new(SelfMetrics.Registry, id), new SendingQueueOptions(),
            new RetryOptions { InitialInterval = TimeSpan.FromMilliseconds(10), MaxInterval = TimeSpan.FromMilliseconds(20) },
            TimeSpan.FromSeconds(5), new CountingEncoder<TracesBatch>(RequestExporterTests.Message<TracesBatch>()), sender, logger);
        await exporter.StartAsync(CancellationToken.None);
        var (batch, done) = OtlpSamples.TracesBatch(9);

        await exporter.ConsumeAsync(batch, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Delivered, await done.Outcome());
        await exporter.ShutdownAsync(CancellationToken.None);
        Assert.Equal(4, attempts);
        Assert.Equal(9, SelfMetrics.SentValue(id.ToString(), Signal.Traces));
        foreach (string reason in (string[])["retries_exhausted", "permanent", "shutdown", "partial_success"])
        {
            Assert.Equal(0, SelfMetrics.SendFailedValue(id.ToString(), Signal.Traces, reason));
        }

        Assert.Equal([LogLevel.Warning, LogLevel.Information], logger.Entries.Select(e => e.Level));
        Assert.Contains("sends again after 3 failed attempts", logger.Entries[1].Message, StringComparison.Ordinal);
    }
}
