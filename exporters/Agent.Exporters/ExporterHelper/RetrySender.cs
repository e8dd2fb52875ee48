using Agent.Core.Config;
using Agent.Core.Consumers;
using Polly;

namespace Agent.Exporters.ExporterHelper;

/// <summary>
/// Retry and timeout, in one place: sends a request through <see cref="RetryPolicy"/> (<c>retry_on_failure</c>),
/// each attempt cut off after <c>timeout</c>. It resends the request's bytes as they are; nothing is re-encoded.
/// Returns what the backend said, or throws the last failure once retrying is over.
/// </summary>
internal sealed class RetrySender
{
    private readonly IRequestSender _sender;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly FailureLog? _failures;

    public RetrySender(IRequestSender sender, RetryOptions retry, TimeSpan timeout, TimeProvider time, Func<bool> stopping, FailureLog? failures = null)
    {
        _failures = failures;
        _sender = sender;
        _timeout = timeout;
        _time = time;
        _retry = RetryPolicy.Create(retry, time, stopping);
    }

    public async ValueTask<SendResult> SendAsync(ExportRequest request, CancellationToken stopping)
    {
        var context = ResilienceContextPool.Shared.Get(stopping);
        RetryPolicy.MarkStart(context, _time);
        try
        {
            return await _retry.ExecuteAsync(
                static async (ctx, state) => await state.Self.SendOnceAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Self: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<SendResult> SendOnceAsync(ExportRequest request, CancellationToken stopping)
    {
        try
        {
            var result = await SendWithTimeoutAsync(request, stopping).ConfigureAwait(false);
            _failures?.Succeeded();
            return result;
        }
        catch (Exception ex) when (ex is not PermanentException && !stopping.IsCancellationRequested)
        {
            // A permanent refusal is an answer from a reachable backend, logged with its drop; this is an outage.
            _failures?.Failed(ex);
            throw;
        }
    }

    private async ValueTask<SendResult> SendWithTimeoutAsync(ExportRequest request, CancellationToken stopping)
    {
        if (_timeout <= TimeSpan.Zero)
        {
            return await _sender.SendAsync(request, stopping).ConfigureAwait(false);
        }

        // The attempt's clock is the exporter's TimeProvider, so a test's fake clock governs it too.
        using var deadline = new CancellationTokenSource(_timeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        try
        {
            return await _sender.SendAsync(request, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!stopping.IsCancellationRequested)
        {
            throw new RetryableException($"the request timed out after {_timeout.TotalSeconds:0.###}s", null, ex);
        }
    }
}
