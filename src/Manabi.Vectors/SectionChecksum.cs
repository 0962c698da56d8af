namespace Manabi.Vectors;

/// <summary>
/// Section checksums: xxHash64 of the sequence of xxHash64 values of 1 MiB blocks, so that writing can hash as it
/// streams and verification can hash blocks in parallel.
/// </summary>
internal static class SectionChecksum
{
    public const int BlockSize = 1 << 20;

    public static ulong Compute(ReadOnlySpan<byte> section)
    {
        int blocks = (int)((section.Length + (long)BlockSize - 1) / BlockSize);
        var hashes = new ulong[blocks];
        for (int b = 0; b < blocks; b++)
        {
            hashes[b] = XxHash.Hash64(section.Slice(b * BlockSize, Math.Min(BlockSize, section.Length - b * BlockSize)));
        }
        return Combine(hashes);
    }

    public static unsafe ulong ComputeParallel(byte* start, long length)
    {
        long blocks = (length + BlockSize - 1) / BlockSize;
        var hashes = new ulong[blocks];
        Parallel.For(0L, blocks, b =>
        {
            long offset = b * BlockSize;
            hashes[b] = XxHash.Hash64(new ReadOnlySpan<byte>(start + offset, (int)Math.Min(BlockSize, length - offset)));
        });
        return Combine(hashes);
    }

    public static ulong Combine(ReadOnlySpan<ulong> blockHashes) =>
        XxHash.Hash64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(blockHashes));
}
