using Microsoft.Extensions.Logging;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// Tells the log when an exporter's sends start failing (one warning at the first failed attempt), while they keep
/// failing (at most one warning per <see cref="Interval"/>, with the count since the last line) and when a send
/// succeeds again (one information line), so an outage is visible from its start without a line per retry.
/// </summary>
internal sealed class FailureLog(string exporter, ILogger logger, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private volatile bool _failing;
    private long _failuresSinceLine;
    private long _failuresInOutage;
    private DateTimeOffset _outageStart;
    private DateTimeOffset _lastLine;

    public void Failed(Exception error)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            _failuresInOutage++;
            if (!_failing)
            {
                _failing = true;
                _outageStart = now;
                _lastLine = now;
                _failuresSinceLine = 0;
                logger.LogWarning("Exporter {Exporter} cannot send, retrying: {Error}", exporter, error.Message);
                return;
            }

            _failuresSinceLine++;
            if (now - _lastLine >= Interval)
            {
                logger.LogWarning("Exporter {Exporter} still cannot send: {Failures} failed attempts in the last {Seconds:0}s; last error: {Error}",
                    exporter, _failuresSinceLine, (now - _lastLine).TotalSeconds, error.Message);
                _lastLine = now;
                _failuresSinceLine = 0;
            }
        }
    }

    public void Succeeded()
    {
        // The common case, a healthy exporter, takes no lock.
        if (!_failing)
        {
            return;
        }

        lock (_lock)
        {
            if (!_failing)
            {
                return;
            }

            _failing = false;
            logger.LogInformation("Exporter {Exporter} sends again after {Failures} failed attempts over {Seconds:0.#}s",
                exporter, _failuresInOutage, (time.GetUtcNow() - _outageStart).TotalSeconds);
            _failuresInOutage = 0;
        }
    }
}
