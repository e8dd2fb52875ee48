namespace Agent.Core.Memory;

/// <summary>
/// The holders of a pooled buffer that several readers share (a raw log chunk, an OTLP request body): one when it is
/// made, one more for each reader it is handed to. Exactly one <see cref="ReleaseIsLast"/> sees the count reach zero,
/// so the buffer goes back to its pool once. Kept in a field and never copied: the operations act on that field.
/// </summary>
internal struct HoldCount
{
    private int _holds;

    private HoldCount(int holds) => _holds = holds;

    /// <summary>The count of a buffer just made: its maker holds it.</summary>
    public static HoldCount One => new(1);

    /// <summary>True once every holder let go.</summary>
    public bool AllReleased => Volatile.Read(ref _holds) <= 0;

    /// <summary>Adds <paramref name="count"/> holders, each of which must release once.</summary>
    public void Retain(int count) => Interlocked.Add(ref _holds, count);

    /// <summary>Lets go of one hold; true for the call that let go of the last, which returns the buffer.</summary>
    public bool ReleaseIsLast() => Interlocked.Decrement(ref _holds) == 0;
}
