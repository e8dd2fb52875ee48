using System.IO.Pipelines;
using Grpc.Core;

namespace Agent.Receivers.Otlp;

/// <summary>
/// A gRPC request body that counts what it buffers against the receiver's in-flight budget: gRPC reads a whole
/// message into the pipe before decoding it, so the buffered length is what the request holds. When the budget is
/// spent the read fails with UNAVAILABLE, which gRPC answers with instead of buffering the rest.
/// </summary>
internal sealed class InFlightPipeReader(PipeReader inner, InFlightBytes.Lease lease, Action onRefused) : PipeReader
{
    public const string Refusal = "the receiver holds as many request bytes as max_in_flight_bytes_mib allows; retry later";

    private bool _refused;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        Cover(result);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Cover(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    private void Cover(ReadResult result)
    {
        if (lease.TryCover(result.Buffer.Length))
        {
            return;
        }

        if (!_refused)
        {
            _refused = true;
            onRefused();
        }

        throw new RpcException(new Status(StatusCode.Unavailable, Refusal));
    }
}
