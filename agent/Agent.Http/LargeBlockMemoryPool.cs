using System.Buffers;
using Agent.Core.Memory;
using Microsoft.AspNetCore.Connections;

namespace Agent.Http;

/// <summary>
/// Kestrel's buffers in 64 KiB blocks instead of its default 4 KiB, so that one socket read takes a whole OTLP export
/// of the usual size: a 60 kB export took 30 receive calls with 4 KiB blocks and 8 with 16 KiB ones, and takes 2 (the
/// read and the zero-byte wait for the next data). 16 KiB blocks took 4.1 % of a core at 10k spans/s against 5.0 %
/// with Kestrel's; 64 KiB ones take 0.15-0.3 points less again, run beside the 16 KiB build on the same core
/// (benchmarks/README.md). The blocks are kept in a <see cref="HandOffPool{T}"/> of the pool's own: bounded, and
/// trimmed when they sit unused, so a burst does not leave its peak behind. Not the shared one: its 64 arrays of a
/// size were too few for 64 requests in flight, which then allocated 929 bytes per span instead of 521 and spent
/// 16 % of the time in GC pauses instead of 7.6 %.
/// </summary>
internal sealed class LargeBlockMemoryPool(int blockSize, HandOffPool<byte> arrays) : MemoryPool<byte>
{
    public const int DefaultBlockSize = 64 * 1024;

    /// <summary>
    /// 16 MiB of idle blocks at the default size, for 256 requests in flight: with 64 kept, the maximum load allocated
    /// a fresh block for most requests and passed 7 % fewer spans.
    /// </summary>
    public const int DefaultRetainedBlocks = 256;

    public override int MaxBufferSize => blockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, blockSize);
        return new Block(arrays, arrays.Rent(blockSize));
    }

    protected override void Dispose(bool disposing) => arrays.Clear();

    private sealed class Block(HandOffPool<byte> arrays, byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => array;

        public void Dispose() => arrays.Return(array);
    }
}

/// <summary>Hands Kestrel's transport and connections a <see cref="LargeBlockMemoryPool"/>.</summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) =>
        new LargeBlockMemoryPool(
            LargeBlockMemoryPool.DefaultBlockSize,
            new HandOffPool<byte>(
                retainedBytesPerSize: (long)LargeBlockMemoryPool.DefaultRetainedBlocks * LargeBlockMemoryPool.DefaultBlockSize,
                arraysPerSize: LargeBlockMemoryPool.DefaultRetainedBlocks));
}
