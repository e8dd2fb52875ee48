using Agent.Exporters.ExporterHelper;

namespace Agent.Tests.Exporters.ExporterHelper;

/// <summary>A sender whose every attempt runs the test's function.</summary>
internal sealed class DelegateSender(Func<ExportRequest, CancellationToken, ValueTask<SendResult>> send) : IRequestSender
{
    public static DelegateSender Accepting(Func<ExportRequest, CancellationToken, ValueTask> send) => new(async (request, token) =>
    {
        await send(request, token);
        return SendResult.Accepted;
    });

    public ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken cancellationToken) => send(request, cancellationToken);
}
