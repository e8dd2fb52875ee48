using Agent.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Agent.Processors.MemoryLimiter;

/// <summary>
/// The decisions of one <c>memory_limiter</c> id, shared by its instances in every pipeline. Every check interval it
/// measures memory; over the hard limit it forces a collection (no more often than the hard interval allows), over
/// the soft limit one every soft interval; then it refuses data while memory stays at or over the soft limit. It
/// checks only while some instance is started.
/// </summary>
public sealed partial class MemoryGuard
{
    private const double Mib = 1024 * 1024;

    private readonly MemoryLimits _limits;
    private readonly MemoryLimiterOptions _options;
    private readonly IMemorySource _memory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ICounter _forcedCollections;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private int _users;
    private long _lastCollection = long.MinValue;
    private volatile bool _refusing;

    public MemoryGuard(MemoryLimits limits, MemoryLimiterOptions options, IMemorySource memory, TimeProvider time, ILogger logger, ICounter forcedCollections)
    {
        _limits = limits;
        _options = options;
        _memory = memory;
        _time = time;
        _logger = logger;
        _forcedCollections = forcedCollections;
    }

    public MemoryLimits Limits => _limits;

    /// <summary>True while memory is at or over the soft limit: data must be refused for the source to retry.</summary>
    public bool MustRefuse => _refusing;

    /// <summary>An instance started: the first one starts the checks.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_users++ == 0)
            {
                LogLimits(_logger, _limits.HardBytes / Mib, _limits.SoftBytes / Mib, _options.CheckInterval);
                _timer = _time.CreateTimer(static guard => ((MemoryGuard)guard!).Check(), this, _options.CheckInterval, _options.CheckInterval);
            }
        }
    }

    /// <summary>An instance stopped: the last one stops the checks, and nothing is refused any more.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_users > 0 && --_users == 0)
            {
                _timer?.Dispose();
                _timer = null;
                _refusing = false;
            }
        }
    }

    /// <summary>One measurement and its consequences; called by the timer, and by tests directly.</summary>
    public void Check()
    {
        lock (_gate)
        {
            long used = _memory.UsedBytes();
            if (used >= _limits.HardBytes && CollectionAllowed(_options.MinGcIntervalWhenHardLimited))
            {
                used = Collect(used);
            }
            else if (used >= _limits.SoftBytes && CollectionAllowed(_options.MinGcIntervalWhenSoftLimited))
            {
                used = Collect(used);
            }

            bool refuse = used >= _limits.SoftBytes;
            if (refuse != _refusing)
            {
                if (refuse)
                {
                    LogRefusing(_logger, used / Mib, _limits.SoftBytes / Mib);
                }
                else
                {
                    LogAccepting(_logger, used / Mib, _limits.SoftBytes / Mib);
                }

                _refusing = refuse;
            }
        }
    }

    private bool CollectionAllowed(TimeSpan minInterval) =>
        _lastCollection == long.MinValue || _time.GetElapsedTime(_lastCollection) >= minInterval;

    private long Collect(long before)
    {
        _memory.Collect();
        _lastCollection = _time.GetTimestamp();
        _forcedCollections.Add(1);
        long after = _memory.UsedBytes();
        LogCollected(_logger, before / Mib, after / Mib);
        return after;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory limiter: hard limit {Hard:F0} MiB, soft limit {Soft:F0} MiB of managed memory, checked every {Interval}")]
    private static partial void LogLimits(ILogger logger, double hard, double soft, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Memory usage {Used:F0} MiB is at or above the soft limit {Soft:F0} MiB: data is refused (sources retry) until it falls below")]
    private static partial void LogRefusing(ILogger logger, double used, double soft);

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory usage {Used:F0} MiB is below the soft limit {Soft:F0} MiB again: data is accepted")]
    private static partial void LogAccepting(ILogger logger, double used, double soft);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Memory limiter forced a collection: {Before:F0} MiB before, {After:F0} MiB after")]
    private static partial void LogCollected(ILogger logger, double before, double after);
}
