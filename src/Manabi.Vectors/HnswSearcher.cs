using System.Numerics.Tensors;

namespace Manabi.Vectors;

/// <summary>Searches the HNSW graph stored in a <see cref="VectorStore"/> (read-only, thread-safe).</summary>
internal static class HnswSearcher
{
    [ThreadStatic] private static int[]? t_visited;
    [ThreadStatic] private static int t_stamp;
    [ThreadStatic] private static float[]? t_row;

    public static (float Score, int Row)[] Search(VectorStore store, float[] query, int k, int ef)
    {
        StoreHeader h = store.Header;
        if (h.HnswEntry < 0)
        {
            return [];
        }
        ReadOnlySpan<long> upperOffsets = store.Section<long>(StoreSection.HnswUpperOffsets);
        ReadOnlySpan<int> upper = store.Section<int>(StoreSection.HnswUpper);
        int current = h.HnswEntry;
        float currentSim = Sim(store, query, current);
        for (int level = h.HnswMaxLevel; level > 0; level--)
        {
            bool changed = true;
            while (changed)
            {
                changed = false;
                // Checked here, not at open: the links are read lazily, and a forged offset must not slice past them.
                long start = upperOffsets[current] + (long)(level - 1) * h.HnswM;
                if (upperOffsets[current] < 0 || start + h.HnswM > upper.Length)
                {
                    throw store.Corrupt($"section 'HnswUpperOffsets' places node {current}'s layer {level} links at {start}, outside the {upper.Length} links of 'HnswUpper'");
                }
                ReadOnlySpan<int> links = upper.Slice((int)start, h.HnswM);
                foreach (int n in links)
                {
                    if (n < 0)
                    {
                        break;
                    }
                    CheckNeighbour(store, n, StoreSection.HnswUpper);
                    float s = Sim(store, query, n);
                    if (s > currentSim)
                    {
                        currentSim = s;
                        current = n;
                        changed = true;
                    }
                }
            }
        }
        return SearchLayer0(store, query, current, currentSim, Math.Max(ef, k), k);
    }

    private static (float Score, int Row)[] SearchLayer0(VectorStore store, float[] query, int entry, float entrySim, int ef, int k)
    {
        int count = store.Count;
        if (t_visited is null || t_visited.Length < count)
        {
            t_visited = new int[count];
            t_stamp = 0;
        }
        int[] visited = t_visited;
        if (++t_stamp == int.MaxValue)
        {
            Array.Clear(visited);
            t_stamp = 1;
        }
        int stamp = t_stamp;
        int m0 = store.Header.HnswM0;
        ReadOnlySpan<int> layer0 = store.Section<int>(StoreSection.HnswLayer0);
        var candidates = new PriorityQueue<int, float>();
        var results = new PriorityQueue<int, float>();
        visited[entry] = stamp;
        candidates.Enqueue(entry, -entrySim);
        results.Enqueue(entry, entrySim);
        while (candidates.TryDequeue(out int c, out float negSim))
        {
            results.TryPeek(out _, out float worst);
            if (-negSim < worst && results.Count >= ef)
            {
                break;
            }
            foreach (int n in layer0.Slice(c * m0, m0))
            {
                if (n < 0)
                {
                    break;
                }
                CheckNeighbour(store, n, StoreSection.HnswLayer0);
                if (visited[n] == stamp)
                {
                    continue;
                }
                visited[n] = stamp;
                float s = Sim(store, query, n);
                results.TryPeek(out _, out worst);
                if (results.Count < ef || s > worst)
                {
                    candidates.Enqueue(n, -s);
                    results.Enqueue(n, s);
                    if (results.Count > ef)
                    {
                        results.Dequeue();
                    }
                }
            }
        }
        var top = new TopK(k);
        while (results.TryDequeue(out int id, out float s))
        {
            top.Add(s, id);
        }
        return top.Sorted();
    }

    /// <summary>Neighbour ids become row pointers (and visited-array indexes), so one past the rows must not get through.</summary>
    private static void CheckNeighbour(VectorStore store, int n, StoreSection section)
    {
        if (n >= store.Count)
        {
            throw store.Corrupt($"section '{section}' links to node {n}, but the store holds {store.Count} rows");
        }
    }

    private static float Sim(VectorStore store, float[] query, int row)
    {
        if (store.DType == VectorDType.Float32)
        {
            return TensorPrimitives.Dot(query, store.RowFloat32(row));
        }
        float[] buffer = t_row is { } b && b.Length == store.Dimensions ? b : t_row = new float[store.Dimensions];
        store.ReadUnit(row, buffer);
        return TensorPrimitives.Dot(query, buffer);
    }
}
