namespace Manabi.Vectors;

/// <summary>Builds the inverted index from character n-gram hashes to the rows whose keys contain them.</summary>
internal static class NgramIndexBuilder
{
    public static (ulong[] Hashes, long[] Starts, int[] Postings) Build(IReadOnlyList<string> keys, int min, int max, IProgress<ConvertProgress>? progress)
    {
        // Hash every (row, gram) pair in parallel, then sort by hash; rows stay ascending within a gram.
        var perRow = new ulong[keys.Count][];
        Parallel.For(0, keys.Count, row =>
        {
            var hashes = new List<ulong>();
            foreach (string gram in CharNgrams.IndexGrams(keys[row], min, max))
            {
                hashes.Add(CharNgrams.Hash(gram));
            }
            hashes.Sort();
            perRow[row] = [.. hashes.Distinct()];
        });
        progress?.Report(new ConvertProgress("n-gram index", 0.3));
        long total = 0;
        foreach (ulong[] h in perRow)
        {
            total += h.Length;
        }
        var pairHashes = new ulong[total];
        var pairRows = new int[total];
        long at = 0;
        for (int row = 0; row < perRow.Length; row++)
        {
            foreach (ulong h in perRow[row])
            {
                pairHashes[at] = h;
                pairRows[at++] = row;
            }
            perRow[row] = null!;
        }
        // Stable order within equal hashes is needed (ascending rows): sort by (hash, row) via a combined comparer.
        Array.Sort(pairHashes, pairRows);
        progress?.Report(new ConvertProgress("n-gram index", 0.8));
        var hashesOut = new List<ulong>();
        var starts = new List<long>();
        for (long i = 0; i < total;)
        {
            long j = i;
            while (j < total && pairHashes[j] == pairHashes[i])
            {
                j++;
            }
            Array.Sort(pairRows, (int)i, (int)(j - i));
            hashesOut.Add(pairHashes[i]);
            starts.Add(i);
            i = j;
        }
        starts.Add(total);
        progress?.Report(new ConvertProgress("n-gram index", 1));
        return ([.. hashesOut], [.. starts], pairRows);
    }
}
