using System.Numerics.Tensors;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData;

/// <summary>How scores are computed and ordered for one distance function.</summary>
internal enum ScoreKind { CosineSimilarity, CosineDistance, DotProduct, Euclidean, EuclideanSquared }

/// <summary>
/// The search structure of one vector property: every stored vector in one contiguous array (rows addressed by
/// slot), with the SQLite row id of each slot. Cosine functions keep unit-length rows so a score is one dot product.
/// </summary>
internal sealed class VectorIndex
{
    private float[] _values;
    private long[] _ids;
    private readonly Dictionary<long, int> _slots = [];

    public VectorIndex(string property, int dimensions, string? distanceFunction, string? indexKind)
    {
        Property = property;
        Dimensions = dimensions;
        Kind = (distanceFunction ?? DistanceFunction.CosineSimilarity) switch
        {
            DistanceFunction.CosineSimilarity => ScoreKind.CosineSimilarity,
            DistanceFunction.CosineDistance => ScoreKind.CosineDistance,
            DistanceFunction.DotProductSimilarity => ScoreKind.DotProduct,
            DistanceFunction.EuclideanDistance => ScoreKind.Euclidean,
            DistanceFunction.EuclideanSquaredDistance => ScoreKind.EuclideanSquared,
            var other => throw new NotSupportedException(
                $"vector property '{property}': distance function '{other}' is not supported by the Manabi vector store " +
                "(supported: CosineSimilarity, CosineDistance, DotProductSimilarity, EuclideanDistance, EuclideanSquaredDistance)"),
        };
        switch (indexKind ?? IndexKind.Flat)
        {
            case IndexKind.Flat:
                break;
            case IndexKind.Hnsw:
                _graph = new HnswGraph(this);
                break;
            default:
                throw new NotSupportedException(
                    $"vector property '{property}': index kind '{indexKind}' is not supported by the Manabi vector store (supported: Flat, Hnsw)");
        }
        _values = new float[Math.Max(16, dimensions) * 16];
        _ids = new long[16];
        _deleted = new bool[16];
        _screen = new ScreenedRows(dimensions, euclidean: Kind is ScoreKind.Euclidean or ScoreKind.EuclideanSquared);
    }

    // The int8 codes of every slot, which the exact scans read first (see ScreenedRows).
    private readonly ScreenedRows _screen;

    private HnswGraph? _graph;
    private bool[] _deleted;
    private int _tombstones;

    /// <summary>HNSW only: rows deleted or replaced but still in the graph.</summary>
    public int Tombstones => _tombstones;

    /// <summary>Live rows.</summary>
    public int LiveCount => Count - _tombstones;

    public bool IsHnsw => _graph is not null;

    internal ReadOnlySpan<float> Row(int slot) => _values.AsSpan(slot * Dimensions, Dimensions);

    internal bool IsDeleted(int slot) => _deleted[slot];

    public string Property { get; }

    public int Dimensions { get; }

    public ScoreKind Kind { get; }

    public int Count { get; private set; }

    /// <summary>Larger scores are better for similarities, smaller for distances.</summary>
    public bool HigherIsBetter => Kind is ScoreKind.CosineSimilarity or ScoreKind.DotProduct;

    public bool Contains(long id) => _slots.ContainsKey(id);

    public void Set(long id, ReadOnlySpan<float> vector)
    {
        // A graph node's vector cannot change in place: the old node becomes a tombstone and a new one is linked.
        if (_graph is not null && _slots.ContainsKey(id))
        {
            Remove(id);
        }
        var added = false;
        if (!_slots.TryGetValue(id, out var slot))
        {
            slot = Count++;
            if (slot == _ids.Length)
            {
                Array.Resize(ref _ids, _ids.Length * 2);
                Array.Resize(ref _deleted, _ids.Length);
                Array.Resize(ref _values, _ids.Length * Dimensions);
            }
            _ids[slot] = id;
            _deleted[slot] = false;
            _slots[id] = slot;
            added = true;
        }
        var row = _values.AsSpan(slot * Dimensions, Dimensions);
        vector.CopyTo(row);
        if (Kind is ScoreKind.CosineSimilarity or ScoreKind.CosineDistance)
        {
            var norm = TensorPrimitives.Norm(row);
            if (norm > 0)
            {
                TensorPrimitives.Divide(row, norm, row);
            }
        }
        _screen.Set(slot, row);
        if (added && _graph is not null)
        {
            _graph.Insert(slot);
        }
    }

    public void Remove(long id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return;
        }
        if (_graph is not null)
        {
            _deleted[slot] = true;
            _tombstones++;
            // Past a quarter of dead nodes, searches walk too much garbage: rebuild from the live rows.
            if (_tombstones > 256 && _tombstones * 4 > Count)
            {
                Compact();
            }
            return;
        }
        // The last row fills the hole so that rows stay contiguous for the scan.
        var last = --Count;
        if (slot != last)
        {
            _values.AsSpan(last * Dimensions, Dimensions).CopyTo(_values.AsSpan(slot * Dimensions, Dimensions));
            _screen.Move(last, slot);
            _ids[slot] = _ids[last];
            _slots[_ids[slot]] = slot;
        }
    }

    public void Clear()
    {
        _slots.Clear();
        Count = 0;
        _tombstones = 0;
        _screen.Clear();
        if (_graph is not null)
        {
            _graph = new HnswGraph(this);
        }
    }

    /// <summary>HNSW: drops the tombstones by relinking the live rows into a new graph (rows are renumbered).</summary>
    public void Compact()
    {
        if (_graph is null || _tombstones == 0)
        {
            return;
        }
        var live = 0;
        for (int slot = 0; slot < Count; slot++)
        {
            if (_deleted[slot])
            {
                continue;
            }
            if (live != slot)
            {
                _values.AsSpan(slot * Dimensions, Dimensions).CopyTo(_values.AsSpan(live * Dimensions, Dimensions));
                _screen.Move(slot, live);
                _ids[live] = _ids[slot];
            }
            _deleted[live] = false;
            _slots[_ids[live]] = live;
            live++;
        }
        Count = live;
        _tombstones = 0;
        _graph = new HnswGraph(this);
        for (int slot = 0; slot < Count; slot++)
        {
            _graph.Insert(slot);
        }
    }

    /// <summary>
    /// The exact best <paramref name="count"/> rows (by row id) with their scores, in ranking order. With
    /// <paramref name="candidates"/> only those row ids are scored (the filtered set).
    /// </summary>
    public List<(long Id, double Score)> Search(ReadOnlySpan<float> query, int count, IReadOnlyCollection<long>? candidates, double? threshold)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"the query vector has {query.Length} dimensions but vector property '{Property}' has {Dimensions}");
        }
        var q = query.ToArray();
        var queryNorm = TensorPrimitives.Norm(q);
        if (Kind is ScoreKind.CosineSimilarity or ScoreKind.CosineDistance && queryNorm > 0)
        {
            TensorPrimitives.Divide(q, queryNorm, q);
        }
        // Ranks are "higher is better": distances are negated so that "smaller is better" ranks the same way.
        var top = new BestK(count);
        if (_graph is not null && (candidates is null || candidates.Count > Math.Max(256, LiveCount / 10)))
        {
            // The graph when the filter keeps many rows; a selective filter's few candidates are scanned exactly.
            HashSet<long>? allowedIds = candidates is null ? null : candidates as HashSet<long> ?? [.. candidates];
            Func<int, bool>? allowed = allowedIds is null ? null : slot => allowedIds.Contains(_ids[slot]);
            // A filter that keeps a fraction f of the rows needs about 1/f times more results to fill k.
            var ef = Math.Max(HnswEf, count);
            if (allowedIds is not null && LiveCount > 0)
            {
                ef = (int)Math.Min(LiveCount, ef * Math.Max(1.0, (double)LiveCount / Math.Max(1, allowedIds.Count)));
            }
            foreach (var (slot, rank) in _graph.Search(q, count, ef, allowed))
            {
                top.Offer(rank, slot, _ids[slot]);
            }
        }
        else
        {
            // Exact: the int8 screen rules out the rows that cannot reach the top k; the rest are scored in float32.
            var survivors = candidates is null
                ? _screen.Survivors(q, count, Count, _tombstones == 0 ? null : slot => !_deleted[slot])
                : _screen.Survivors(q, count, candidates.Select(id => _slots.GetValueOrDefault(id, -1)).Where(slot => slot >= 0));
            foreach (var slot in survivors)
            {
                top.Offer(Rank(q, slot), slot, _ids[slot]);
            }
        }
        var results = new List<(long, double)>(count);
        foreach (var (rank, slot) in top.Sorted())
        {
            var score = ScoreOf(rank);
            if (threshold is { } t && (HigherIsBetter ? score < t : score > t))
            {
                continue;
            }
            results.Add((_ids[slot], score));
        }
        return results;
    }

    /// <summary>HNSW search breadth (results kept while walking the bottom layer).</summary>
    public const int HnswEf = 128;

    internal float Rank(ReadOnlySpan<float> q, int slot)
    {
        var row = _values.AsSpan(slot * Dimensions, Dimensions);
        return Kind switch
        {
            ScoreKind.CosineSimilarity or ScoreKind.DotProduct => TensorPrimitives.Dot(q, row),
            ScoreKind.CosineDistance => TensorPrimitives.Dot(q, row),
            _ => -TensorPrimitives.Distance(q, row),
        };
    }

    private double ScoreOf(float rank) => Kind switch
    {
        ScoreKind.CosineDistance => 1.0 - rank,
        ScoreKind.Euclidean => -rank,
        ScoreKind.EuclideanSquared => (double)rank * rank,
        _ => rank,
    };
}

/// <summary>The search structures of one collection: one <see cref="VectorIndex"/> per vector property.</summary>
internal sealed class CollectionIndex : IDisposable
{
    public CollectionIndex(IReadOnlyDictionary<string, VectorIndex> vectors) => Vectors = vectors;

    public IReadOnlyDictionary<string, VectorIndex> Vectors { get; }

    /// <summary>Many searches at once, one change at a time (a change waits for running searches).</summary>
    public ReaderWriterLockSlim Gate { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Set once the rows have been read from SQLite.</summary>
    public bool Loaded { get; set; }

    public void Dispose() => Gate.Dispose();
}

/// <summary>The k best ranks seen (a min-heap of size k); ties go to the lower row id so results are deterministic.</summary>
internal sealed class BestK(int k)
{
    private readonly (float Rank, int Slot, long Id)[] _heap = new (float, int, long)[Math.Max(k, 0)];
    private int _count;

    public void Offer(float rank, int slot, long id)
    {
        if (k <= 0 || float.IsNaN(rank))
        {
            return;
        }
        if (_count < k)
        {
            _heap[_count] = (rank, slot, id);
            SiftUp(_count++);
        }
        else if (Worse(_heap[0], (rank, slot, id)))
        {
            _heap[0] = (rank, slot, id);
            SiftDown(0);
        }
    }

    /// <summary>Best first.</summary>
    public IEnumerable<(float Rank, int Slot)> Sorted()
    {
        var items = _heap.AsSpan(0, _count).ToArray();
        Array.Sort(items, (a, b) => Worse(a, b) ? 1 : Worse(b, a) ? -1 : 0);
        return items.Select(i => (i.Rank, i.Slot));
    }

    // a ranks below b: lower rank, or the same rank and a higher row id.
    private static bool Worse((float Rank, int Slot, long Id) a, (float Rank, int Slot, long Id) b) =>
        a.Rank < b.Rank || (a.Rank == b.Rank && a.Id > b.Id);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!Worse(_heap[i], _heap[parent]))
            {
                return;
            }
            (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, worst = i;
            if (left < _count && Worse(_heap[left], _heap[worst])) worst = left;
            if (right < _count && Worse(_heap[right], _heap[worst])) worst = right;
            if (worst == i)
            {
                return;
            }
            (_heap[i], _heap[worst]) = (_heap[worst], _heap[i]);
            i = worst;
        }
    }
}
