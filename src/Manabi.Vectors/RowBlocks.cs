namespace Manabi.Vectors;

/// <summary>
/// Row scans split into a few contiguous blocks run in parallel. Blocks (not rows) are the unit of work so that
/// each keeps its own k-heap and threshold in registers, and the merge costs one lock per block.
/// </summary>
internal static class RowBlocks
{
    /// <summary>
    /// Runs <paramref name="scanBlock"/> on contiguous ranges [start, end) covering rows 0..<paramref name="count"/>:
    /// at least <paramref name="minRowsPerBlock"/> rows each (one block for small stores, where threads cost more
    /// than they save) and at most <paramref name="blocksPerCore"/> per core (a little slack for uneven cores).
    /// </summary>
    public static void For(int count, int minRowsPerBlock, int blocksPerCore, Action<int, int> scanBlock)
    {
        int blocks = Math.Max(1, Math.Min(count / minRowsPerBlock, Environment.ProcessorCount * blocksPerCore));
        int perBlock = (count + blocks - 1) / blocks;
        Parallel.For(0, blocks, b =>
        {
            int start = b * perBlock, end = Math.Min(count, start + perBlock);
            if (start < end)
            {
                scanBlock(start, end);
            }
        });
    }

    /// <summary>
    /// The merged top <paramref name="k"/> of a block scan: <paramref name="scanBlock"/> fills a fresh heap per block
    /// (<see cref="For"/> explains the other arguments), and the heaps are merged as blocks finish.
    /// </summary>
    public static TopK TopK(int count, int k, int minRowsPerBlock, int blocksPerCore, Action<int, int, TopK> scanBlock)
    {
        var result = new TopK(k);
        var gate = new Lock();
        For(count, minRowsPerBlock, blocksPerCore, (start, end) =>
        {
            var heap = new TopK(k);
            scanBlock(start, end, heap);
            lock (gate)
            {
                result.Merge(heap);
            }
        });
        return result;
    }
}
