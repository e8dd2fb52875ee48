using Microsoft.Extensions.Logging;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// Tells the log when an exporter's sends (or its queue's writes) start failing (one line at the first failure),
/// while they keep failing (at most one line per <see cref="Interval"/>, with the count since the last line) and
/// when one succeeds again (one information line), so an outage is visible from its start without a line per retry.
/// </summary>
internal sealed class FailureLog(FailureLines lines, TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>The log of an exporter's sends.</summary>
    public FailureLog(string exporter, ILogger logger, TimeProvider time)
        : this(new SendFailureLines(exporter, logger), time)
    {
    }

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
                lines.Started(error);
                return;
            }

            _failuresSinceLine++;
            if (now - _lastLine >= Interval)
            {
                lines.Continuing(_failuresSinceLine, (now - _lastLine).TotalSeconds, error);
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
            lines.Ended(_failuresInOutage, (time.GetUtcNow() - _outageStart).TotalSeconds);
            _failuresInOutage = 0;
        }
    }
}
