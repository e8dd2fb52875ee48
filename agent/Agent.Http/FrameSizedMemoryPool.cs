using System.Buffers;
using Agent.Core.Memory;
using Microsoft.AspNetCore.Connections;

namespace Agent.Http;

/// <summary>
/// Kestrel's buffers in blocks of one HTTP/2 frame (16 KiB) instead of its default 4 KiB: a socket read fills one
/// block, so a 60 kB OTLP export took 30 receive calls with 4 KiB blocks and takes 8 now, and 10k spans/s cost
/// 4.1 % of a core instead of 5.0 % (means of nine runs each, benchmarks/README.md). The blocks are kept in a
/// <see cref="HandOffPool{T}"/> of the pool's own: bounded, and trimmed when they sit unused, so a burst does not
/// leave its peak behind. Not the shared one: its 64 arrays of a size are too few for 64 requests in flight, which
/// then allocated 929 bytes per span instead of 521 and spent 16 % of the time in GC pauses instead of 7.6 %.
/// </summary>
internal sealed class FrameSizedMemoryPool(int blockSize, HandOffPool<byte> arrays) : MemoryPool<byte>
{
    public const int DefaultBlockSize = 16 * 1024;

    /// <summary>4 MiB of idle blocks at the default size.</summary>
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

/// <summary>Hands Kestrel's transport and connections a <see cref="FrameSizedMemoryPool"/>.</summary>
internal sealed class FrameSizedMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) =>
        new FrameSizedMemoryPool(
            FrameSizedMemoryPool.DefaultBlockSize,
            new HandOffPool<byte>(
                retainedBytesPerSize: (long)FrameSizedMemoryPool.DefaultRetainedBlocks * FrameSizedMemoryPool.DefaultBlockSize,
                arraysPerSize: FrameSizedMemoryPool.DefaultRetainedBlocks));
}
