using System.Buffers;
using Agent.Core.Memory;

namespace Agent.Core.Model.Wire;

/// <summary>
/// A request body copied once into a pooled array, which the encoded scope groups of its <see cref="WireRequest"/>
/// point into instead of each being copied into an array of its own. The batch made from the request holds it; a
/// fan-out adds a hold per consumer sharing the batch, a split or copy adds one for the new batch, and each holder
/// lets go once (an exporter after encoding). The last one returns the array. A body nobody lets go of is simply
/// collected.
/// </summary>
public sealed class WireBody
{
    private byte[] _array;
    private HoldCount _holds = HoldCount.One;

    private WireBody(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The bytes; valid while the reader holds the body.</summary>
    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>True once every holder let go and the array went back to the pool.</summary>
    public bool Returned => _holds.AllReleased;

    /// <summary>A pooled copy of <paramref name="body"/>, held once by the caller.</summary>
    public static WireBody CopyOf(ReadOnlySequence<byte> body)
    {
        int length = checked((int)body.Length);
        var array = HandOffPool<byte>.Shared.Rent(Math.Max(length, 1));
        body.CopyTo(array);
        return new WireBody(array, length);
    }

    /// <summary>Adds <paramref name="count"/> holders, each of which must <see cref="Release"/> once.</summary>
    public void Retain(int count) => _holds.Retain(count);

    /// <summary>Lets go of one hold; the last one returns the array, which nobody may read afterwards.</summary>
    public void Release()
    {
        if (!_holds.ReleaseIsLast())
        {
            return;
        }

        HandOffPool<byte>.Shared.Return(_array);
        _array = [];
    }
}
