using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData;

// The collection's side of its search structures: loading them (snapshot plus logged changes, or a rebuild from the
// records), applying committed batches, the change log, compaction and waiting for the HNSW graphs.
public partial class ManabiCollection<TKey, TRecord>
{
    private static string LogTableName(string collection) => "l_" + collection;

    /// <summary>Logs the rows a batch changed (inside its transaction); returns the batch's last sequence number.</summary>
    private long LogChanges(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<long> ids)
    {
        using var command = Command(connection, $"INSERT INTO {_logTable} (id) VALUES (@id) RETURNING seq", transaction);
        var id = command.Parameters.Add("@id", SqliteType.Integer);
        command.Prepare();
        long sequence = 0;
        foreach (var changed in ids)
        {
            id.Value = changed;
            sequence = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        return sequence;
    }

    /// <summary>The collection's search structures, read the first time they are needed.</summary>
    private async ValueTask<CollectionIndex> LoadedIndexAsync(CancellationToken cancellationToken)
    {
        var index = _db.Index(_table, () => new CollectionIndex(
            _model.VectorProperties.ToDictionary(v => v.ModelName, v => new VectorIndex(v.ModelName, v.Dimensions, v.DistanceFunction, v.IndexKind)),
            CollectionIndex.SnapshotPathOf(_db.Directory, Name), _schema, TruncateLog(_db, _logTable)));
        if (index.Loaded)
        {
            return index;
        }
        // Loading under the write gate: no batch commits between the read and the moment changes start to apply.
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!index.Loaded)
            {
                Run("Load", () =>
                {
                    using var connection = _db.OpenConnection();
                    if (!Exists(connection, Name))
                    {
                        throw new VectorStoreException($"collection '{Name}' does not exist; call EnsureCollectionExistsAsync first");
                    }
                    index.Gate.EnterWriteLock();
                    try
                    {
                        Load(connection, index, cancellationToken);
                    }
                    finally
                    {
                        index.Gate.ExitWriteLock();
                    }
                    return 0;
                });
            }
        }
        finally
        {
            _db.WriteGate.Release();
        }
        return index;
    }

    /// <summary>
    /// Reads the snapshot and replays the rows logged after it, if the log still holds every change since the
    /// snapshot's sequence; otherwise rebuilds every structure from the records.
    /// </summary>
    private void Load(SqliteConnection connection, CollectionIndex index, CancellationToken cancellationToken)
    {
        // A store written before the change log existed gains it here (its structures are rebuilt once).
        using (var create = Command(connection, $"CREATE TABLE IF NOT EXISTS {_logTable} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL)"))
        {
            create.ExecuteNonQuery();
        }
        long last, first;
        using (var bounds = Command(connection,
            $"SELECT (SELECT seq FROM sqlite_sequence WHERE name = @log), (SELECT MIN(seq) FROM {_logTable})"))
        {
            bounds.Parameters.AddWithValue("@log", LogTableName(Name));
            using var reader = bounds.ExecuteReader();
            reader.Read();
            last = reader.IsDBNull(0) ? 0 : reader.GetInt64(0);
            first = reader.IsDBNull(1) ? last + 1 : reader.GetInt64(1);
        }
        // Sequences are consecutive and the log is only cut from the front: the snapshot is usable when it is not
        // from the future (another incarnation of the collection) and nothing after it was cut.
        if (index.ReadSnapshot() is { } snapshot && snapshot <= last && first <= snapshot + 1)
        {
            var changed = new List<long>();
            using (var command = Command(connection, $"SELECT DISTINCT id FROM {_logTable} WHERE seq > @s"))
            {
                command.Parameters.AddWithValue("@s", snapshot);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    changed.Add(reader.GetInt64(0));
                }
            }
            foreach (var vectorIndex in index.Vectors.Values)
            {
                foreach (var id in changed)
                {
                    vectorIndex.Remove(id);
                }
            }
            foreach (var chunk in changed.Chunk(MaxParameters))
            {
                var names = chunk.Select((_, i) => "@i" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                ReadVectors(connection, index, $"WHERE _id IN ({string.Join(", ", names)})",
                    command => { for (int i = 0; i < chunk.Length; i++) command.Parameters.AddWithValue(names[i], chunk[i]); }, cancellationToken);
            }
            index.MarkLoaded(last, snapshot, changed.Count);
            return;
        }
        foreach (var vectorIndex in index.Vectors.Values)
        {
            vectorIndex.Clear();
        }
        var rows = ReadVectors(connection, index, "", _ => { }, cancellationToken);
        index.MarkLoaded(last, snapshotSequence: -1, rows);
    }

    /// <summary>Sets the vectors of the records a condition selects into the structures; returns how many records.</summary>
    private int ReadVectors(SqliteConnection connection, CollectionIndex index, string condition, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        var properties = _model.VectorProperties;
        var columns = string.Join("", properties.Select(v => ", " + Quote(v.StorageName)));
        using var command = Command(connection, $"SELECT _id{columns} FROM {_table} {condition}");
        bind(command);
        using var reader = command.ExecuteReader();
        var rows = 0;
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var id = reader.GetInt64(0);
            for (int v = 0; v < properties.Count; v++)
            {
                if (!reader.IsDBNull(v + 1))
                {
                    index.Vectors[properties[v].ModelName].Set(id, ValueCodec.BlobToVector((byte[])reader.GetValue(v + 1)));
                }
            }
            rows++;
        }
        return rows;
    }

    /// <summary>Drops the logged changes a snapshot holds (run by the collection's worker after it saves one).</summary>
    private static Action<long> TruncateLog(ManabiDatabase db, string logTable) => sequence =>
    {
        using var connection = db.OpenConnection();
        using var command = Command(connection, $"DELETE FROM {logTable} WHERE seq <= @s");
        command.Parameters.AddWithValue("@s", sequence);
        command.ExecuteNonQuery();
    };

    /// <summary>Applies a committed batch (logged up to <paramref name="sequence"/>) to the search structures (null vectors: removed).</summary>
    private void Apply(CollectionIndex index, IEnumerable<(long Id, float[]?[]? Vectors)> changes, long sequence)
    {
        index.Gate.EnterWriteLock();
        try
        {
            var count = 0;
            foreach (var (id, vectors) in changes)
            {
                for (int v = 0; v < _model.VectorProperties.Count; v++)
                {
                    var vectorIndex = index.Vectors[_model.VectorProperties[v].ModelName];
                    if (vectors?[v] is { } vector)
                    {
                        vectorIndex.Set(id, vector);
                    }
                    else
                    {
                        vectorIndex.Remove(id);
                    }
                }
                count++;
            }
            index.Applied(sequence, count);
        }
        finally
        {
            index.Gate.ExitWriteLock();
        }
    }

    /// <summary>
    /// Rebuilds the HNSW graphs of the collection without their tombstones (rows deleted or replaced since they were
    /// linked). Compaction also runs by itself once a quarter of a graph's nodes are tombstones; Flat properties have
    /// nothing to compact. The graphs are relinked in the background (<see cref="WaitForIndexAsync"/>); searches stay
    /// exact over the rows not relinked yet.
    /// </summary>
    public async Task CompactAsync(CancellationToken cancellationToken = default)
    {
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            index.Gate.EnterWriteLock();
            try
            {
                foreach (var vectorIndex in index.Vectors.Values)
                {
                    vectorIndex.Compact();
                }
                index.Applied(index.AppliedSequence, index.Vectors.Values.Sum(v => v.Count));
            }
            finally
            {
                index.Gate.ExitWriteLock();
            }
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    /// <summary>
    /// Completes once every stored row is linked into its HNSW graph. Upserts return as soon as a batch is durable and
    /// searchable (rows not linked yet are scanned exactly); the graph catches up in the background. Call this to
    /// measure or rely on graph search speed right after a large load.
    /// </summary>
    public async Task WaitForIndexAsync(CancellationToken cancellationToken = default)
    {
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        await index.WaitForLinkedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tombstones per vector property (HNSW rows deleted or replaced and not yet compacted away); for tests and diagnostics.</summary>
    internal async Task<IReadOnlyDictionary<string, int>> TombstonesAsync()
    {
        var index = await LoadedIndexAsync(CancellationToken.None).ConfigureAwait(false);
        index.Gate.EnterReadLock();
        try
        {
            return index.Vectors.ToDictionary(v => v.Key, v => v.Value.Tombstones);
        }
        finally
        {
            index.Gate.ExitReadLock();
        }
    }

    /// <summary>The collection's search structures (loaded); for tests and diagnostics.</summary>
    internal ValueTask<CollectionIndex> IndexAsync() => LoadedIndexAsync(CancellationToken.None);
}
