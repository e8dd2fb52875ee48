using Microsoft.Extensions.Logging;

namespace Agent.Exporters.ExporterHelper;

/// <summary>What the three lines of a <see cref="FailureLog"/> say: an outage starts, goes on, ends.</summary>
internal abstract class FailureLines
{
    public abstract void Started(Exception error);

    public abstract void Continuing(long failures, double seconds, Exception error);

    public abstract void Ended(long failures, double seconds);
}

/// <summary>An exporter that cannot reach its backend: a warning, since it retries and nothing is lost yet.</summary>
internal sealed class SendFailureLines(string exporter, ILogger logger) : FailureLines
{
    public override void Started(Exception error) =>
        logger.LogWarning("Exporter {Exporter} cannot send, retrying: {Error}", exporter, error.Message);

    public override void Continuing(long failures, double seconds, Exception error) =>
        logger.LogWarning("Exporter {Exporter} still cannot send: {Failures} failed attempts in the last {Seconds:0}s; last error: {Error}", exporter, failures, seconds, error.Message);

    public override void Ended(long failures, double seconds) =>
        logger.LogInformation("Exporter {Exporter} sends again after {Failures} failed attempts over {Seconds:0.#}s", exporter, failures, seconds);
}

/// <summary>
/// A persistent queue that cannot write (a full disk): an error, since the agent refuses data until it can; the
/// sources keep it (a tailer's checkpoint, a client told to retry).
/// </summary>
internal sealed class QueueWriteFailureLines(string exporter, ILogger logger) : FailureLines
{
    public override void Started(Exception error) =>
        logger.LogError("Exporter {Exporter} cannot write to its sending queue and refuses data until it can (the sources retry): {Error}", exporter, error.Message);

    public override void Continuing(long failures, double seconds, Exception error) =>
        logger.LogError("Exporter {Exporter} still cannot write to its sending queue: {Failures} failed writes in the last {Seconds:0}s; last error: {Error}", exporter, failures, seconds, error.Message);

    public override void Ended(long failures, double seconds) =>
        logger.LogInformation("Exporter {Exporter} writes to its sending queue again after {Failures} failed writes over {Seconds:0.#}s", exporter, failures, seconds);
}
