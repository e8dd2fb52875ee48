using System.Buffers;
using System.Numerics;

namespace Agent.Core.Memory;

/// <summary>
/// A pool for buffers that are rented on one thread and returned on another: a file chunk read by the tailer and
/// given back when its batch is delivered, an encoded request given back by the sender. The shared
/// <see cref="ArrayPool{T}"/> keeps arrays per thread and per core (one core when the agent is pinned), so under
/// that pattern most returns found their slot full and most rents missed: the pipeline allocated its large buffers
/// anew (on the large object heap) at tens of MiB per second. Here every thread shares one bounded stack per size,
/// and arrays that stayed unused for a whole <see cref="TrimPeriod"/> are let go, so memory held after a burst
/// returns to the runtime.
/// </summary>
public sealed class HandOffPool<T> : ArrayPool<T>
{
    /// <summary>How long an array may sit unused in the pool before it is dropped.</summary>
    public static readonly TimeSpan TrimPeriod = TimeSpan.FromSeconds(30);

    private const int SmallestLength = 1024;
    private const int LargestLength = 64 * 1024 * 1024;

    private readonly Bucket[] _buckets;
    private readonly ITimer _trimmer;

    /// <param name="retainedBytesPerSize">The most each size keeps; larger sizes keep fewer arrays (at least two).</param>
    /// <param name="arraysPerSize">The most arrays each size keeps.</param>
    /// <param name="time">The clock of the trimming timer.</param>
    public HandOffPool(long retainedBytesPerSize = 8 * 1024 * 1024, int arraysPerSize = 64, TimeProvider? time = null)
    {
        int elementSize = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        _buckets = new Bucket[BucketIndex(LargestLength) + 1];
        for (int i = 0; i < _buckets.Length; i++)
        {
            long bytes = (long)LengthOf(i) * elementSize;
            _buckets[i] = new Bucket(LengthOf(i), (int)Math.Clamp(retainedBytesPerSize / bytes, 2, arraysPerSize));
        }

        // The timer holds the pool weakly, so a pool nobody references is collected with its timer.
        var self = new WeakReference<HandOffPool<T>>(this);
        _trimmer = (time ?? TimeProvider.System).CreateTimer(static state => Trim((WeakReference<HandOffPool<T>>)state!), self, TrimPeriod, TrimPeriod);
    }

    ~HandOffPool() => _trimmer.Dispose();

    /// <summary>The process-wide pool for <typeparamref name="T"/>.</summary>
    public static new HandOffPool<T> Shared { get; } = new();

    /// <summary>Arrays held now, for tests and diagnostics.</summary>
    public int PooledCount => _buckets.Sum(bucket => bucket.Count);

    public override T[] Rent(int minimumLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumLength);
        if (minimumLength > LargestLength)
        {
            return GC.AllocateUninitializedArray<T>(minimumLength);
        }

        var bucket = _buckets[BucketIndex(minimumLength)];
        return bucket.TryTake() ?? GC.AllocateUninitializedArray<T>(bucket.Length);
    }

    public override void Return(T[] array, bool clearArray = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        int length = array.Length;

        // Only arrays of a bucket's exact length came from here; anything else is left to the GC.
        if (length < SmallestLength || length > LargestLength || !BitOperations.IsPow2(length))
        {
            return;
        }

        if (clearArray)
        {
            Array.Clear(array);
        }

        _buckets[BucketIndex(length)].TryKeep(array);
    }

    /// <summary>
    /// Swaps <paramref name="array"/> for one of at least <paramref name="minimumLength"/> (and at least twice its
    /// length), keeping its first <paramref name="used"/> elements and giving the old one back.
    /// </summary>
    public void Grow(ref T[] array, int used, int minimumLength)
    {
        var bigger = Rent(Math.Max(array.Length * 2, minimumLength));
        array.AsSpan(0, used).CopyTo(bigger);
        Return(array);
        array = bigger;
    }

    /// <summary>
    /// Drops every pooled array, as the runtime's shared pool does under memory pressure: called before a forced
    /// collection, so what the pool kept is returned too, not held until its next trim.
    /// </summary>
    public void Clear()
    {
        foreach (var bucket in _buckets)
        {
            bucket.Clear();
        }
    }

    /// <summary>Drops the arrays that no rent needed since the last trim.</summary>
    public void Trim()
    {
        long dropped = 0;
        foreach (var bucket in _buckets)
        {
            dropped += (long)bucket.Trim() * bucket.Length;
        }

        if (dropped > 0)
        {
            PoolReleases.Add(dropped * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        }
    }

    private static void Trim(WeakReference<HandOffPool<T>> pool)
    {
        if (pool.TryGetTarget(out var target))
        {
            target.Trim();
        }
    }

    private static int BucketIndex(int length) =>
        length <= SmallestLength ? 0 : BitOperations.Log2((uint)length - 1) + 1 - BitOperations.Log2(SmallestLength);

    private static int LengthOf(int index) => SmallestLength << index;

    /// <summary>The arrays of one length, as a stack: the most recently returned is rented first, still warm in cache.</summary>
    private sealed class Bucket(int length, int capacity)
    {
        private readonly Lock _lock = new();
        private readonly T[]?[] _arrays = new T[capacity][];
        private int _count;

        // The fewest arrays held since the last trim: that many were never needed in the period.
        private int _lowWater;

        public int Length => length;

        public int Count => Volatile.Read(ref _count);

        public T[]? TryTake()
        {
            lock (_lock)
            {
                if (_count == 0)
                {
                    return null;
                }

                var array = _arrays[--_count];
                _arrays[_count] = null;
                _lowWater = Math.Min(_lowWater, _count);
                return array;
            }
        }

        public void TryKeep(T[] array)
        {
            lock (_lock)
            {
                if (_count < _arrays.Length)
                {
                    _arrays[_count++] = array;
                }
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                Array.Clear(_arrays, 0, _count);
                _count = 0;
                _lowWater = 0;
            }
        }

        /// <summary>Drops the arrays not needed since the last trim; returns how many.</summary>
        public int Trim()
        {
            lock (_lock)
            {
                // The idle ones are at the bottom of the stack: drop those, keep the recently returned.
                int idle = Math.Min(_lowWater, _count);
                if (idle > 0)
                {
                    Array.Copy(_arrays, idle, _arrays, 0, _count - idle);
                    Array.Clear(_arrays, _count - idle, idle);
                    _count -= idle;
                }

                _lowWater = _count;
                return Math.Max(idle, 0);
            }
        }
    }
}
