using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData;

/// <summary>How scores are computed and ordered for one distance function.</summary>
internal enum ScoreKind { CosineSimilarity, CosineDistance, DotProduct, Euclidean, EuclideanSquared }

/// <summary>
/// The search structure of one vector property: every stored vector in one contiguous array (rows addressed by
/// slot), with the SQLite row id of each slot. Cosine functions keep unit-length rows so a score is one dot product.
/// HNSW properties link rows into the graph after they arrive (<see cref="LinkPending"/>, run by the collection's
/// background worker); searches scan the rows not linked yet exactly, so a row is found as soon as it is stored.
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
        _values = new float[16 * dimensions];
        _ids = new long[16];
        _deleted = new bool[16];
        _screen = new ScreenedRows(dimensions, euclidean: Kind is ScoreKind.Euclidean or ScoreKind.EuclideanSquared);
        switch (indexKind ?? IndexKind.Flat)
        {
            case IndexKind.Flat:
                break;
            case IndexKind.Hnsw:
                _hnsw = true;
                _graph = new HnswGraph(this, _ids.Length);
                break;
            default:
                throw new NotSupportedException(
                    $"vector property '{property}': index kind '{indexKind}' is not supported by the Manabi vector store (supported: Flat, Hnsw)");
        }
    }

    // The int8 codes of every slot, which the exact scans read first (see ScreenedRows).
    private readonly ScreenedRows _screen;
    private readonly bool _hnsw;
    private HnswGraph? _graph;
    private bool[] _deleted;
    private int _tombstones;

    /// <summary>HNSW only: rows deleted or replaced but still in the graph.</summary>
    public int Tombstones => _tombstones;

    /// <summary>HNSW only: rows stored but not linked into the graph yet.</summary>
    public int Pending => _graph is null ? 0 : Count - _graph.Count;

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
        if (!_slots.TryGetValue(id, out var slot))
        {
            slot = Count++;
            if (slot == _ids.Length)
            {
                Grow(_ids.Length * 2);
            }
            _ids[slot] = id;
            _deleted[slot] = false;
            _slots[id] = slot;
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
    }

    private void Grow(int capacity)
    {
        var rows = _ids.Length;
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _deleted, capacity);
        var values = GC.AllocateUninitializedArray<float>(capacity * Dimensions);
        _values.AsSpan(0, rows * Dimensions).CopyTo(values);
        _values = values;
        _graph?.EnsureCapacity(capacity);
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
        _graph = _hnsw ? new HnswGraph(this, _ids.Length) : null;
    }

    /// <summary>
    /// HNSW: drops the tombstones by renumbering the live rows; the graph starts again empty and the background
    /// worker relinks every row (searches scan the unlinked rows exactly meanwhile, so results stay exact).
    /// </summary>
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
        _graph = new HnswGraph(this, _ids.Length);
    }

    /// <summary>
    /// HNSW: links stored rows into the graph, in slot order, until none is left, <paramref name="deadline"/> (a
    /// <see cref="Environment.TickCount64"/> value) passes or <paramref name="stop"/> says so; returns how many rows
    /// are still unlinked.
    /// </summary>
    public int LinkPending(long deadline, Func<bool> stop)
    {
        if (_graph is null)
        {
            return 0;
        }
        while (_graph.Count < Count)
        {
            _graph.InsertNext();
            if (Environment.TickCount64 >= deadline || stop())
            {
                break;
            }
        }
        return Pending;
    }

    /// <summary>
    /// The exact best <paramref name="count"/> rows (by row id) with their scores, in ranking order. With
    /// <paramref name="candidates"/> only those row ids are scored (the filtered set). <paramref name="efSearch"/>: the HNSW
    /// search breadth (results kept while walking the bottom layer).
    /// </summary>
    public List<(long Id, double Score)> Search(ReadOnlySpan<float> query, int count, IReadOnlyCollection<long>? candidates, double? threshold, int efSearch = ManabiVectorStoreOptions.DefaultHnswEfSearch)
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
        // The graph unfiltered, or for a filter that keeps many rows; a filter's few candidates are scanned exactly.
        var plan = candidates is null ? new FilteredSearchPlan(true, Math.Max(efSearch, count))
            : FilteredSearchPlan.For(LiveCount, candidates.Count, count, efSearch);
        if (_graph is not null && plan.Walk)
        {
            HashSet<long>? allowedIds = candidates is null ? null : candidates as HashSet<long> ?? [.. candidates];
            Func<int, bool>? allowed = allowedIds is null ? null : slot => allowedIds.Contains(_ids[slot]);
            foreach (var (slot, rank) in _graph.Search(q, count, plan.Breadth, allowed))
            {
                top.Offer(rank, slot, _ids[slot]);
            }
            // Rows stored since the graph was last extended are scanned exactly.
            for (int slot = _graph.Count; slot < Count; slot++)
            {
                if (!_deleted[slot] && (allowed is null || allowed(slot)))
                {
                    top.Offer(Rank(q, slot), slot, _ids[slot]);
                }
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

    /// <summary>Writes the rows (ids, deletion marks, vectors, their int8 screen) and the graph for a snapshot.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Property);
        writer.Write(Dimensions);
        writer.Write((int)Kind);
        writer.Write(Count);
        writer.Write(MemoryMarshal.AsBytes(_ids.AsSpan(0, Count)));
        writer.Write(MemoryMarshal.AsBytes(_deleted.AsSpan(0, Count)));
        writer.Write(MemoryMarshal.AsBytes(_values.AsSpan(0, Count * Dimensions)));
        _screen.Write(writer, Count);
        writer.Write(_graph is not null);
        _graph?.Write(writer);
    }

    /// <summary>
    /// Replaces this index's rows with a snapshot's, written by <see cref="Write"/>; false if the snapshot does not
    /// match this property (name, dimensions, distance, index kind) or is inconsistent (call <see cref="Clear"/> then).
    /// </summary>
    public bool Read(BinaryReader reader)
    {
        if (reader.ReadString() != Property || reader.ReadInt32() != Dimensions || reader.ReadInt32() != (int)Kind)
        {
            return false;
        }
        var count = reader.ReadInt32();
        var stream = reader.BaseStream;
        // Sizes are checked against the bytes left before anything is allocated: a damaged count fails here.
        if (count < 0 || (long)count * Dimensions > Array.MaxLength || (long)count * (sizeof(long) + 1 + sizeof(float) * (long)Dimensions) > stream.Length - stream.Position)
        {
            return false;
        }
        var capacity = Math.Max(16, count);
        var ids = new long[capacity];
        var deleted = new bool[capacity];
        var values = GC.AllocateUninitializedArray<float>(capacity * Dimensions);
        stream.ReadExactly(MemoryMarshal.AsBytes(ids.AsSpan(0, count)));
        stream.ReadExactly(MemoryMarshal.AsBytes(deleted.AsSpan(0, count)));
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan(0, count * Dimensions)));
        if (!_screen.Read(reader, count, capacity) || reader.ReadBoolean() != _hnsw)
        {
            return false;
        }
        _ids = ids;
        _deleted = deleted;
        _values = values;
        Count = count;
        _slots.Clear();
        _slots.EnsureCapacity(count);
        _tombstones = 0;
        for (int slot = 0; slot < count; slot++)
        {
            if (deleted[slot])
            {
                _tombstones++;
            }
            else if (!_slots.TryAdd(ids[slot], slot))
            {
                return false;
            }
        }
        if (_hnsw)
        {
            _graph = HnswGraph.Read(reader, this, count, capacity);
            return _graph is not null;
        }
        // Flat rows are contiguous live rows: a tombstone there means the file is not what it claims.
        return _tombstones == 0;
    }
}

