namespace Manabi.VectorData;

/// <summary>
/// An incrementally built HNSW graph over the rows (slots) of a <see cref="VectorIndex"/>: nodes are inserted one at
/// a time as records arrive, deleted rows stay in the graph as tombstones (still walked through, never returned)
/// until the index is compacted. Ranks are "higher is better" (<see cref="VectorIndex.Rank(ReadOnlySpan{float}, int)"/>).
/// </summary>
internal sealed class HnswGraph
{
    private readonly VectorIndex _index;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly double _levelScale;
    private readonly Random _random = new(20240611);
    private readonly List<List<int>[]> _links = [];
    private int _entry = -1;
    private int _maxLevel = -1;

    public HnswGraph(VectorIndex index, int m = 16, int efConstruction = 128)
    {
        _index = index;
        _m = m;
        _m0 = 2 * m;
        _efConstruction = efConstruction;
        _levelScale = 1 / Math.Log(m);
    }

    public int Count => _links.Count;

    /// <summary>Adds slot <paramref name="slot"/> (slots arrive in order 0, 1, 2, ...).</summary>
    public void Insert(int slot)
    {
        var level = (int)Math.Floor(-Math.Log(1 - _random.NextDouble()) * _levelScale);
        var layers = new List<int>[level + 1];
        for (int l = 0; l <= level; l++)
        {
            layers[l] = new List<int>(l == 0 ? _m0 + 1 : _m + 1);
        }
        _links.Add(layers);
        if (_entry < 0)
        {
            _entry = slot;
            _maxLevel = level;
            return;
        }
        var query = _index.Row(slot);
        var entry = _entry;
        for (int l = _maxLevel; l > level; l--)
        {
            entry = Greedy(query, entry, l);
        }
        for (int l = Math.Min(level, _maxLevel); l >= 0; l--)
        {
            var found = SearchLayer(query, entry, _efConstruction, l, allowed: null, returnDeleted: true);
            var max = l == 0 ? _m0 : _m;
            var chosen = SelectNeighbours(found, _m);
            layers[l].AddRange(chosen);
            foreach (var neighbour in chosen)
            {
                var theirs = _links[neighbour][l];
                theirs.Add(slot);
                if (theirs.Count > max)
                {
                    Prune(neighbour, theirs, max);
                }
            }
            entry = found[0].Slot;
        }
        if (level > _maxLevel)
        {
            _maxLevel = level;
            _entry = slot;
        }
    }

    /// <summary>The best <paramref name="count"/> live slots for the query (approximate), best first.</summary>
    public List<(int Slot, float Rank)> Search(ReadOnlySpan<float> query, int count, int ef, Func<int, bool>? allowed)
    {
        if (_entry < 0)
        {
            return [];
        }
        var entry = _entry;
        for (int l = _maxLevel; l > 0; l--)
        {
            entry = Greedy(query, entry, l);
        }
        var found = SearchLayer(query, entry, Math.Max(ef, count), 0, allowed, returnDeleted: false);
        return found.Count > count ? found.GetRange(0, count) : found;
    }

    private int Greedy(ReadOnlySpan<float> query, int entry, int level)
    {
        var best = _index.Rank(query, entry);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var neighbour in _links[entry][level])
            {
                var rank = _index.Rank(query, neighbour);
                if (rank > best)
                {
                    best = rank;
                    entry = neighbour;
                    changed = true;
                }
            }
        }
        return entry;
    }

    /// <summary>
    /// Best-first search of one layer. Deleted and filtered-out nodes are walked through (they keep the graph
    /// connected) but only acceptable ones enter the result list, which stops the walk once it holds
    /// <paramref name="ef"/> nodes and nothing closer remains.
    /// </summary>
    private List<(int Slot, float Rank)> SearchLayer(ReadOnlySpan<float> query, int entry, int ef, int level, Func<int, bool>? allowed, bool returnDeleted)
    {
        var visited = new HashSet<int> { entry };
        var candidates = new PriorityQueue<int, float>(); // best (highest rank) first: negated priorities
        var results = new PriorityQueue<int, float>();    // worst result first
        var entryRank = _index.Rank(query, entry);
        candidates.Enqueue(entry, -entryRank);
        if (Acceptable(entry, allowed, returnDeleted))
        {
            results.Enqueue(entry, entryRank);
        }
        // Filtered walks may need to pass many rejected nodes; the budget bounds the work on very selective filters.
        var budget = allowed is null ? int.MaxValue : Math.Max(ef * 64, 4096);
        while (candidates.TryDequeue(out var current, out var negRank))
        {
            if (results.Count >= ef && -negRank < Worst(results))
            {
                break;
            }
            if (--budget < 0)
            {
                break;
            }
            foreach (var neighbour in _links[current][level])
            {
                if (!visited.Add(neighbour))
                {
                    continue;
                }
                var rank = _index.Rank(query, neighbour);
                if (results.Count < ef || rank > Worst(results))
                {
                    candidates.Enqueue(neighbour, -rank);
                    if (Acceptable(neighbour, allowed, returnDeleted))
                    {
                        results.Enqueue(neighbour, rank);
                        if (results.Count > ef)
                        {
                            results.Dequeue();
                        }
                    }
                }
            }
        }
        var list = new List<(int, float)>(results.Count);
        while (results.TryDequeue(out var slot, out var rank))
        {
            list.Add((slot, rank));
        }
        list.Reverse();
        return list;
    }

    private static float Worst(PriorityQueue<int, float> results) => results.TryPeek(out _, out var rank) ? rank : float.NegativeInfinity;

    private bool Acceptable(int slot, Func<int, bool>? allowed, bool returnDeleted) =>
        (returnDeleted || !_index.IsDeleted(slot)) && (allowed is null || allowed(slot));

    /// <summary>
    /// The HNSW neighbour heuristic: take candidates best first, skipping one that is closer to an already chosen
    /// neighbour than to the new node (it would add a redundant edge), then fill up with the best skipped ones.
    /// </summary>
    private List<int> SelectNeighbours(List<(int Slot, float Rank)> candidates, int max)
    {
        var chosen = new List<int>(max);
        var skipped = new List<int>();
        foreach (var (slot, rank) in candidates)
        {
            if (chosen.Count >= max)
            {
                break;
            }
            var row = _index.Row(slot);
            var redundant = false;
            foreach (var other in chosen)
            {
                if (_index.Rank(row, other) > rank)
                {
                    redundant = true;
                    break;
                }
            }
            (redundant ? skipped : chosen).Add(slot);
        }
        for (int i = 0; i < skipped.Count && chosen.Count < max; i++)
        {
            chosen.Add(skipped[i]);
        }
        return chosen;
    }

    private void Prune(int node, List<int> links, int max)
    {
        var row = _index.Row(node);
        var ranked = new List<(int Slot, float Rank)>(links.Count);
        foreach (var s in links)
        {
            ranked.Add((s, _index.Rank(row, s)));
        }
        ranked.Sort((a, b) => b.Rank.CompareTo(a.Rank));
        var kept = SelectNeighbours(ranked, max);
        links.Clear();
        links.AddRange(kept);
    }
}
