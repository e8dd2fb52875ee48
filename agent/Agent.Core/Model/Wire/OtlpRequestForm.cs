using System.Buffers;
using Google.Protobuf;
using OpenTelemetry.Proto.Resource.V1;

namespace Agent.Core.Model.Wire;

/// <summary>
/// The OTLP part of a batch in one of two forms: decoded (the generated request classes) or encoded, a
/// <see cref="WireRequest"/> whose resources are decoded and whose scope groups stay the bytes they arrived in.
/// The encoded form counts, merges, splits and copies without touching records; <see cref="Decoded"/> turns it into
/// the decoded form once, for the first reader that needs records, and from then on the batch stays decoded.
/// Encoded scope groups may point into pooled request bodies (<see cref="WireBody"/>): the form holds them, moves
/// them along when merged, holds them once more for a split-off front or a copy, and lets go in
/// <see cref="ReleaseBodies"/>.
/// </summary>
internal sealed class OtlpRequestForm<TRequest, TGroup>
    where TRequest : IMessage<TRequest>, new()
    where TGroup : IMessage<TGroup>, new()
{
    private readonly OtlpShape<TRequest, TGroup> _shape;
    private readonly Lock _decoding = new();
    private volatile object _content; // a TRequest or a WireRequest
    private List<WireBody>? _bodies;

    public OtlpRequestForm(OtlpShape<TRequest, TGroup> shape, TRequest decoded)
    {
        _shape = shape;
        _content = decoded;
    }

    /// <param name="shape">The signal's shape.</param>
    /// <param name="encoded">The request with its scope groups encoded.</param>
    /// <param name="body">The pooled body those scope groups point into, whose hold the form takes over; null when they own their bytes.</param>
    public OtlpRequestForm(OtlpShape<TRequest, TGroup> shape, WireRequest encoded, WireBody? body = null)
        : this(shape, encoded, body is null ? null : new List<WireBody> { body })
    {
    }

    private OtlpRequestForm(OtlpShape<TRequest, TGroup> shape, WireRequest encoded, List<WireBody>? bodies)
    {
        _shape = shape;
        _content = encoded;
        _bodies = bodies;
    }

    /// <summary>The encoded form, null once decoded.</summary>
    public WireRequest? Encoded => _content as WireRequest;

    /// <summary>
    /// The decoded request, made on first access from the encoded form (which is then dropped). Readers that share
    /// a batch (a fan-out's read-only consumers) may ask at once: one decodes, the others wait for it.
    /// </summary>
    public TRequest Decoded
    {
        get
        {
            if (_content is TRequest decoded)
            {
                return decoded;
            }

            lock (_decoding)
            {
                if (_content is WireRequest encoded)
                {
                    _content = Decode(encoded);
                }

                return (TRequest)_content;
            }
        }
    }

    /// <summary>What an exporter writes: the encoded form when the batch still has it (the same bytes), else the decoded one.</summary>
    public IMessage Message => (IMessage)_content;

    public int CountItems() => _content is WireRequest encoded ? WireItemCount.Of(encoded, _shape.Signal) : _shape.CountItems((TRequest)_content);

    public long MeasureBytes() => Message.CalculateSize();

    public IEnumerable<Resource> Resources => _content is WireRequest encoded
        ? encoded.Groups.Select(static group => group.Resource ??= new Resource())
        : _shape.GroupsOf((TRequest)_content).Select(_shape.ResourceOf);

    /// <summary>
    /// Moves every group of <paramref name="other"/> to the end of this one. The merged batch stays encoded unless
    /// this one already holds decoded groups: then the incoming ones are decoded. Decoded groups joining an encoded
    /// batch are encoded (the exporter would encode them anyway).
    /// </summary>
    public void MoveFrom(OtlpRequestForm<TRequest, TGroup> other)
    {
        // The holds move with the groups (or outlive them by a little, when the groups were decoded on the way).
        if (other._bodies is { Count: > 0 } bodies)
        {
            (_bodies ??= []).AddRange(bodies);
            bodies.Clear();
        }

        if (_content is WireRequest mine)
        {
            if (other._content is WireRequest theirs)
            {
                mine.Groups.AddRange(theirs.Groups);
                theirs.Groups.Clear();
                return;
            }

            var decoded = _shape.GroupsOf((TRequest)other._content);
            foreach (var group in decoded)
            {
                mine.Groups.Add(WireResourceGroup.Parser.ParseFrom(group.ToByteString()));
            }

            decoded.Clear();
            return;
        }

        var groups = _shape.GroupsOf((TRequest)_content);
        if (groups.Count == 0 && other._content is WireRequest encoded)
        {
            var adopted = new WireRequest();
            adopted.Groups.AddRange(encoded.Groups);
            encoded.Groups.Clear();
            _content = adopted;
            return;
        }

        var moving = _shape.GroupsOf(other.Decoded);
        groups.AddRange(moving);
        moving.Clear();
    }

    /// <summary>Moves the first <paramref name="maxItems"/> items into a new form of the same kind.</summary>
    public OtlpRequestForm<TRequest, TGroup> TakeFront(int maxItems)
    {
        if (_content is TRequest decoded)
        {
            var front = new TRequest();
            _shape.GroupsOf(front).AddRange(_shape.SplitFront(_shape.GroupsOf(decoded), maxItems));
            return new(_shape, front);
        }

        return new(_shape, WireSplit.TakeFront((WireRequest)_content, maxItems, _shape.Signal, (scope, budget) => _shape.CutScope(_shape, scope, budget)), SharedBodies());
    }

    /// <summary>A deep copy; encoded scope groups are immutable, so the copy shares them (and holds their bodies).</summary>
    public OtlpRequestForm<TRequest, TGroup> Copy() => _content is WireRequest encoded
        ? new(_shape, encoded.Clone(), SharedBodies())
        : new(_shape, ((TRequest)_content).Clone());

    /// <summary>Adds <paramref name="count"/> holds on every body (readers sharing this form).</summary>
    public void RetainBodies(int count)
    {
        if (_bodies is null)
        {
            return;
        }

        foreach (var body in _bodies)
        {
            body.Retain(count);
        }
    }

    /// <summary>One reader let go: one hold less on every body. Nothing may read the encoded form afterwards.</summary>
    public void ReleaseBodies()
    {
        if (_bodies is null)
        {
            return;
        }

        foreach (var body in _bodies)
        {
            body.Release();
        }
    }

    /// <summary>Every body held once more, for a new form whose groups may point into any of them.</summary>
    private List<WireBody>? SharedBodies()
    {
        if (_bodies is not { Count: > 0 })
        {
            return null;
        }

        RetainBodies(1);
        return [.. _bodies];
    }

    private TRequest Decode(WireRequest encoded)
    {
        // The encoded form written out is a request of the signal: one parse, and unknown fields come along.
        int size = encoded.CalculateSize();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            encoded.WriteTo(buffer.AsSpan(0, size));
            return _shape.Parser.ParseFrom(buffer.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
