namespace Agent.Exporters.ExporterHelper;

/// <summary>Sends one encoded request once; retries and the per-attempt timeout are the caller's.</summary>
public interface IRequestSender
{
    /// <summary>
    /// Posts <paramref name="request"/>'s bytes. Throws <see cref="Agent.Core.Consumers.PermanentException"/> for
    /// what no retry can deliver and anything else for a transient failure.
    /// </summary>
    ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken cancellationToken);
}
