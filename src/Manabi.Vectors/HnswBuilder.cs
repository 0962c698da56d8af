using System.Numerics.Tensors;

namespace Manabi.Vectors;

/// <summary>
/// Builds a hierarchical navigable small-world graph (Malkov and Yashunin 2016) over unit vectors, inserting in
/// parallel with one lock per node. Similarity is the dot product; levels come from a fixed-seed generator.
/// </summary>
internal sealed class HnswBuilder
{
    private readonly float[] _values;
    private readonly int _dims;
    private readonly int _count;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly byte[] _levels;
    private readonly int[] _layer0;        // _count * (_m0 + 1): [count, n1, n2, ...]
    private readonly int[]?[] _upper;      // per node: levels * (_m + 1)
    private readonly object[] _locks;
    private readonly object _entryLock = new();
    private int _entry = -1;
    private int _maxLevel = -1;

    public HnswBuilder(float[] values, int dims, int m, int efConstruction)
    {
        _values = values;
        _dims = dims;
        _count = values.Length / dims;
        _m = m;
        _m0 = 2 * m;
        _efConstruction = efConstruction;
        _levels = new byte[_count];
        _layer0 = new int[(long)_count * (_m0 + 1) > int.MaxValue ? throw new NotSupportedException("graph too large") : _count * (_m0 + 1)];
        _upper = new int[]?[_count];
        _locks = new object[_count];
        double ml = 1 / Math.Log(m);
        for (int i = 0; i < _count; i++)
        {
            _locks[i] = new object();
            var rng = new SplitMix64(0x5EED_0000_0000ul + (ulong)i);
            int level = Math.Min(15, (int)(-Math.Log(1 - rng.NextDouble()) * ml));
            _levels[i] = (byte)level;
            if (level > 0)
            {
                _upper[i] = new int[level * (_m + 1)];
            }
        }
    }

    public int M => _m;
    public int M0 => _m0;
    public int Entry => _entry;
    public int MaxLevel => _maxLevel;
    public byte[] Levels => _levels;

    public void Build(IProgress<ConvertProgress>? progress)
    {
        if (_count == 0)
        {
            return;
        }
        Insert(0);
        int done = 0;
        Parallel.For(1, _count, i =>
        {
            Insert(i);
            int d = Interlocked.Increment(ref done);
            if ((d & 0x1FFF) == 0)
            {
                progress?.Report(new ConvertProgress("approximate index", (double)d / _count));
            }
        });
        progress?.Report(new ConvertProgress("approximate index", 1));
    }

    /// <summary>Layer-0 links, -1 padded, <see cref="M0"/> per node.</summary>
    public int[] Layer0Links()
    {
        var links = new int[_count * _m0];
        Array.Fill(links, -1);
        for (int i = 0; i < _count; i++)
        {
            int n = _layer0[i * (_m0 + 1)];
            Array.Copy(_layer0, i * (_m0 + 1) + 1, links, i * _m0, n);
        }
        return links;
    }

    /// <summary>Upper-layer links, -1 padded, <see cref="M"/> per node and layer; offsets in ints or -1.</summary>
    public (long[] Offsets, int[] Links) UpperLinks()
    {
        var offsets = new long[_count];
        var links = new List<int>();
        for (int i = 0; i < _count; i++)
        {
            int[]? u = _upper[i];
            if (u is null)
            {
                offsets[i] = -1;
                continue;
            }
            offsets[i] = links.Count;
            for (int l = 0; l < _levels[i]; l++)
            {
                int n = u[l * (_m + 1)];
                for (int k = 0; k < _m; k++)
                {
                    links.Add(k < n ? u[l * (_m + 1) + 1 + k] : -1);
                }
            }
        }
        return (offsets, [.. links]);
    }

    private ReadOnlySpan<float> Vec(int i) => _values.AsSpan(i * _dims, _dims);

    private float Sim(int a, int b) => TensorPrimitives.Dot(Vec(a), Vec(b));

    // Links of node at level: a slice [count, ids...] of the owning array.
    private Span<int> Links(int node, int level) => level == 0
        ? _layer0.AsSpan(node * (_m0 + 1), _m0 + 1)
        : _upper[node].AsSpan((level - 1) * (_m + 1), _m + 1);

    private int CopyLinks(int node, int level, Span<int> into)
    {
        lock (_locks[node])
        {
            Span<int> l = Links(node, level);
            int n = l[0];
            l.Slice(1, n).CopyTo(into);
            return n;
        }
    }

    private void Insert(int q)
    {
        int level = _levels[q];
        int entry, maxLevel;
        lock (_entryLock)
        {
            entry = _entry;
            maxLevel = _maxLevel;
            if (entry < 0)
            {
                _entry = q;
                _maxLevel = level;
                return;
            }
        }
        ReadOnlySpan<float> query = Vec(q);
        Span<int> buffer = stackalloc int[_m0 + 1];
        int current = entry;
        float currentSim = TensorPrimitives.Dot(query, Vec(current));
        for (int l = maxLevel; l > level; l--)
        {
            bool changed = true;
            while (changed)
            {
                changed = false;
                int n = CopyLinks(current, l, buffer);
                for (int k = 0; k < n; k++)
                {
                    float s = TensorPrimitives.Dot(query, Vec(buffer[k]));
                    if (s > currentSim)
                    {
                        currentSim = s;
                        current = buffer[k];
                        changed = true;
                    }
                }
            }
        }
        var visited = new HashSet<int>();
        List<(float Sim, int Id)> eps = [(currentSim, current)];
        for (int l = Math.Min(level, maxLevel); l >= 0; l--)
        {
            List<(float Sim, int Id)> found = SearchLayer(query, eps, _efConstruction, l, visited);
            int capacity = l == 0 ? _m0 : _m;
            List<int> selected = SelectHeuristic(found, _m);
            lock (_locks[q])
            {
                Span<int> mine = Links(q, l);
                mine[0] = selected.Count;
                for (int k = 0; k < selected.Count; k++)
                {
                    mine[1 + k] = selected[k];
                }
            }
            foreach (int n in selected)
            {
                lock (_locks[n])
                {
                    Span<int> theirs = Links(n, l);
                    int c = theirs[0];
                    if (c < capacity)
                    {
                        theirs[1 + c] = q;
                        theirs[0] = c + 1;
                    }
                    else
                    {
                        var candidates = new List<(float Sim, int Id)>(c + 1) { (Sim(n, q), q) };
                        for (int k = 0; k < c; k++)
                        {
                            candidates.Add((Sim(n, theirs[1 + k]), theirs[1 + k]));
                        }
                        candidates.Sort((a, b) => b.Sim.CompareTo(a.Sim));
                        List<int> kept = SelectHeuristic(candidates, capacity);
                        theirs[0] = kept.Count;
                        for (int k = 0; k < kept.Count; k++)
                        {
                            theirs[1 + k] = kept[k];
                        }
                    }
                }
            }
            eps = found;
        }
        if (level > maxLevel)
        {
            lock (_entryLock)
            {
                if (level > _maxLevel)
                {
                    _maxLevel = level;
                    _entry = q;
                }
            }
        }
    }

    /// <summary>Best-first search of one layer; returns up to ef results, most similar first.</summary>
    private List<(float Sim, int Id)> SearchLayer(ReadOnlySpan<float> query, List<(float Sim, int Id)> entries, int ef, int level, HashSet<int> visited)
    {
        visited.Clear();
        var candidates = new PriorityQueue<int, float>();    // max-similarity first (priority = -sim)
        var results = new PriorityQueue<int, float>();       // worst result first (priority = sim)
        foreach ((float s, int id) in entries)
        {
            if (visited.Add(id))
            {
                candidates.Enqueue(id, -s);
                results.Enqueue(id, s);
            }
        }
        while (results.Count > ef)
        {
            results.Dequeue();
        }
        Span<int> buffer = stackalloc int[_m0 + 1];
        while (candidates.TryDequeue(out int c, out float negSim))
        {
            results.TryPeek(out _, out float worst);
            if (-negSim < worst && results.Count >= ef)
            {
                break;
            }
            int n = CopyLinks(c, level, buffer);
            for (int k = 0; k < n; k++)
            {
                int e = buffer[k];
                if (!visited.Add(e))
                {
                    continue;
                }
                float s = TensorPrimitives.Dot(query, Vec(e));
                results.TryPeek(out _, out worst);
                if (results.Count < ef || s > worst)
                {
                    candidates.Enqueue(e, -s);
                    results.Enqueue(e, s);
                    if (results.Count > ef)
                    {
                        results.Dequeue();
                    }
                }
            }
        }
        var list = new List<(float Sim, int Id)>(results.Count);
        while (results.TryDequeue(out int id, out float s))
        {
            list.Add((s, id));
        }
        list.Reverse();
        return list;
    }

    /// <summary>Malkov's neighbour heuristic: keep a candidate only if it is closer to the query than to every kept one.</summary>
    private List<int> SelectHeuristic(List<(float Sim, int Id)> sortedCandidates, int m)
    {
        var kept = new List<int>(m);
        foreach ((float s, int id) in sortedCandidates)
        {
            if (kept.Count >= m)
            {
                break;
            }
            bool good = true;
            foreach (int r in kept)
            {
                if (Sim(id, r) > s)
                {
                    good = false;
                    break;
                }
            }
            if (good)
            {
                kept.Add(id);
            }
        }
        return kept;
    }
}
