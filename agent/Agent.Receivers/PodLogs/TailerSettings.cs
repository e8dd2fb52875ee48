using Agent.Core.Receiving;
using Agent.Core.Telemetry;

namespace Agent.Receivers.PodLogs;

/// <summary>What every tailer of one receiver shares: its way into the pipeline, limits, timings, field extractor and read budget.</summary>
internal sealed record TailerSettings(
    ReceiverHelper Receiving,
    LogFormat Format,
    int MaxLogSize,
    int FingerprintSize,
    TimeSpan PollInterval,
    WriteReports Writes,
    TimeSpan DeleteGrace,
    int MaxBatchesInFlight,
    int MaxBatchBytes,
    TimeSpan RetryBackoff,
    FieldExtractor Extractor,
    ReadBudget Budget)
{
    /// <summary>The read buffer a file starts with.</summary>
    public const int ReadBufferSize = 64 * 1024;

    /// <summary>The longest raw line kept whole: a record at the limit plus room for framing and JSON escapes.</summary>
    public int MaxLineBytes => (MaxLogSize * 2) + ReadBufferSize;

    public ReceiverTelemetry Telemetry => Receiving.Telemetry;

    public static TailerSettings From(ReceiverHelper receiving, PodLogsReceiverOptions options, WriteReports writes) => new(
        receiving,
        options.EffectiveFormat,
        options.MaxLogSize,
        options.FingerprintSize,
        options.PollInterval,
        writes,
        options.DeleteGrace,
        options.MaxBatchesInFlight,
        options.MaxBatchBytes,
        options.RetryBackoff,
        new FieldExtractor(options.Extract),
        new ReadBudget(options.MaxBytesInFlight));
}
