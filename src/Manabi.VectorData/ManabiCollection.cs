using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace Manabi.VectorData;

/// <summary>
/// A collection of records kept durably in the store directory's SQLite database (one table per collection; an
/// upsert or delete batch is one transaction, which also logs the changed rows) and searched over in-memory
/// structures (an exact scan for Flat, a graph for Hnsw) updated on every change, saved to a snapshot file and read
/// back on first use with the changes logged since (see <see cref="CollectionIndex"/>).
/// </summary>
/// <typeparam name="TKey">int, long, Guid or string (object for the dynamic collection).</typeparam>
/// <typeparam name="TRecord">The record type (Dictionary&lt;string, object?&gt; for the dynamic collection).</typeparam>
public partial class ManabiCollection<TKey, TRecord> : VectorStoreCollection<TKey, TRecord>, IKeywordHybridSearchable<TRecord>
    where TKey : notnull
    where TRecord : class
{
    private const int MaxParameters = 500;
    private readonly ManabiDatabase _db;
    private readonly CollectionModel _model;
    private readonly string _table;
    private readonly int _hnswEfSearch;
    private readonly string _fullTextTable;
    private readonly string _logTable;
    private readonly DataPropertyModel[] _fullText;
    private readonly string _schema;
    private readonly VectorStoreCollectionMetadata _metadata;
    private readonly Type _keyType;
    private int _disposed;

    /// <summary>Opens collection <paramref name="name"/> of the store in <paramref name="directory"/> (created on first use).</summary>
    /// <exception cref="VectorStoreException">Another process has the directory open.</exception>
    public ManabiCollection(string directory, string name, ManabiCollectionOptions? options = null)
        : this(ManabiDatabase.Acquire(directory), name, options, storeGenerator: null)
    {
    }

    internal ManabiCollection(ManabiDatabase db, string name, VectorStoreCollectionOptions? options, IEmbeddingGenerator? storeGenerator)
    {
        _db = db;
        try
        {
            ArgumentNullException.ThrowIfNull(name);
            if (!NamePattern().IsMatch(name))
            {
                throw new ArgumentException($"collection name '{name}' is not valid: use 1-128 letters, digits, '_' or '-'", nameof(name));
            }
            Name = name;
            _table = Quote("c_" + name);
            _fullTextTable = Quote("f_" + name);
            _logTable = Quote(LogTableName(name));
            var generator = options?.EmbeddingGenerator ?? storeGenerator;
            _hnswEfSearch = (options as ManabiCollectionOptions)?.HnswEfSearch ?? ManabiVectorStoreOptions.DefaultHnswEfSearch;
            var builder = new ManabiModelBuilder();
            if (typeof(TRecord) == typeof(Dictionary<string, object?>))
            {
                if (options?.Definition is null)
                {
                    throw new ArgumentException($"the dynamic collection '{name}' needs a VectorStoreCollectionDefinition", nameof(options));
                }
                _model = builder.BuildDynamic(options.Definition, generator);
            }
            else
            {
                _model = builder.Build(typeof(TRecord), typeof(TKey), options?.Definition, generator);
            }
            _keyType = _model.KeyProperty.Type;
            _fullText = [.. _model.DataProperties.Where(d => d.IsFullTextIndexed)];
            foreach (var text in _fullText)
            {
                if (ValueCodec.Underlying(text.Type) != typeof(string))
                {
                    throw new NotSupportedException($"property '{text.ModelName}' is full-text indexed but is {text.Type.Name}; only string properties can be");
                }
            }
            foreach (var property in _model.DataProperties.Concat<PropertyModel>(_model.VectorProperties))
            {
                if (property.StorageName.StartsWith('_') || property.StorageName.Contains("__", StringComparison.Ordinal))
                {
                    throw new ArgumentException($"property '{property.ModelName}': storage names may not start with '_' or contain '__' (reserved by the store)");
                }
            }
            // Validates index kinds and distance functions now (NotSupportedException), not at the first search.
            foreach (var vector in _model.VectorProperties)
            {
                _ = new VectorIndex(vector.ModelName, vector.Dimensions, vector.DistanceFunction, vector.IndexKind);
            }
            _schema = DescribeSchema();
            _metadata = new VectorStoreCollectionMetadata
            {
                VectorStoreSystemName = ManabiDatabase.SystemName,
                VectorStoreName = db.Directory,
                CollectionName = name,
            };
        }
        catch
        {
            db.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Run("CollectionExists", () =>
        {
            using var connection = _db.OpenConnection();
            return Exists(connection, Name);
        }));

    /// <inheritdoc />
    public override async Task EnsureCollectionExistsAsync(CancellationToken cancellationToken = default)
    {
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Run("EnsureCollectionExists", () =>
            {
                using var connection = _db.OpenConnection();
                using var transaction = connection.BeginTransaction();
                using (var read = Command(connection, "SELECT schema FROM _manabi_collections WHERE name = @n", transaction))
                {
                    read.Parameters.AddWithValue("@n", Name);
                    if (read.ExecuteScalar() is string existing)
                    {
                        if (existing != _schema)
                        {
                            throw new VectorStoreException(
                                $"collection '{Name}' exists with a different schema ({existing}) than this record definition ({_schema})");
                        }
                        return 0;
                    }
                }
                var sql = new StringBuilder();
                sql.Append("CREATE TABLE ").Append(_table).Append(" (_id INTEGER PRIMARY KEY, _key ")
                    .Append(ValueCodec.SqlType(_keyType)).Append(" NOT NULL UNIQUE");
                foreach (var data in _model.DataProperties)
                {
                    sql.Append(", ").Append(Quote(data.StorageName)).Append(' ').Append(ValueCodec.SqlType(data.Type));
                    if (ValueCodec.HasCompanion(data.Type))
                    {
                        sql.Append(", ").Append(Quote(data.StorageName + ValueCodec.CompanionSuffix)).Append(" INTEGER");
                    }
                }
                foreach (var vector in _model.VectorProperties)
                {
                    sql.Append(", ").Append(Quote(vector.StorageName)).Append(" BLOB");
                }
                sql.Append(");");
                // The change log: which rows each committed batch touched, in commit order (see CollectionIndex).
                sql.Append("CREATE TABLE ").Append(_logTable).Append(" (seq INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL);");
                if (_fullText.Length > 0)
                {
                    // Keyword search for hybrid search: an FTS5 table whose rowid is the record's _id.
                    sql.Append("CREATE VIRTUAL TABLE ").Append(_fullTextTable).Append(" USING fts5(")
                        .Append(string.Join(", ", _fullText.Select(t => Quote(t.StorageName)))).Append(");");
                }
                foreach (var data in _model.DataProperties.Where(d => d.IsIndexed))
                {
                    // Indexed properties are filtered by SQLite before any vector is scored.
                    sql.Append("CREATE INDEX ").Append(Quote($"i_{Name}_{data.StorageName}")).Append(" ON ").Append(_table)
                        .Append(" (").Append(Quote(data.StorageName)).Append(");");
                }
                using (var create = Command(connection, sql.ToString(), transaction))
                {
                    create.ExecuteNonQuery();
                }
                using (var register = Command(connection, "INSERT INTO _manabi_collections (name, schema) VALUES (@n, @s)", transaction))
                {
                    register.Parameters.AddWithValue("@n", Name);
                    register.Parameters.AddWithValue("@s", _schema);
                    register.ExecuteNonQuery();
                }
                transaction.Commit();
                return 0;
            });
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(CancellationToken cancellationToken = default)
    {
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Run("EnsureCollectionDeleted", () => { DropCollection(_db, Name); return 0; });
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    internal static void DropCollection(ManabiDatabase db, string name)
    {
        using var connection = db.OpenConnection();
        using var transaction = connection.BeginTransaction();
        using (var drop = Command(connection, $"DROP TABLE IF EXISTS {Quote("c_" + name)}; DROP TABLE IF EXISTS {Quote("f_" + name)}; " +
            $"DROP TABLE IF EXISTS {Quote(LogTableName(name))}; DELETE FROM _manabi_collections WHERE name = @n", transaction))
        {
            drop.Parameters.AddWithValue("@n", name);
            drop.ExecuteNonQuery();
        }
        transaction.Commit();
        db.DropIndex(Quote("c_" + name));
        CollectionIndex.DeleteSnapshot(CollectionIndex.SnapshotPathOf(db.Directory, name));
    }

    internal static bool Exists(SqliteConnection connection, string name)
    {
        using var command = Command(connection, "SELECT 1 FROM _manabi_collections WHERE name = @n");
        command.Parameters.AddWithValue("@n", name);
        return command.ExecuteScalar() is not null;
    }

    /// <inheritdoc />
    public override async Task<TRecord?> GetAsync(TKey key, RecordRetrievalOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await foreach (var record in GetAsync([key], options, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }
        return null;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(IEnumerable<TKey> keys, RecordRetrievalOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var includeVectors = CheckIncludeVectors(options?.IncludeVectors ?? false);
        foreach (var chunk in keys.Select(KeyToDb).Chunk(MaxParameters))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var records = Run("Get", () =>
            {
                var names = chunk.Select((_, i) => "@k" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                return Query($"WHERE _key IN ({string.Join(", ", names)})", includeVectors,
                    command => { for (int i = 0; i < chunk.Length; i++) command.Parameters.AddWithValue(names[i], chunk[i]); },
                    cancellationToken).Select(r => r.Record).ToList();
            });
            foreach (var record in records)
            {
                yield return record;
            }
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<TRecord> GetAsync(Expression<Func<TRecord, bool>> filter, int top, FilteredRecordRetrievalOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var parameters = new List<object>();
        var where = SqlFilterTranslator.Translate(filter, _model, parameters, ColumnOf);
        var order = new List<string>();
        if (options.OrderBy is { } orderBy)
        {
            foreach (var sort in orderBy(new FilteredRecordRetrievalOptions<TRecord>.OrderByDefinition()).Values)
            {
                var property = _model.GetDataOrKeyProperty(sort.PropertySelector);
                order.Add(ColumnOf(property) + (sort.Ascending ? " ASC" : " DESC"));
            }
        }
        order.Add("_id"); // ties keep insertion order, like a stable sort
        var sql = $"WHERE {where} ORDER BY {string.Join(", ", order)} LIMIT {top.ToString(CultureInfo.InvariantCulture)} OFFSET {options.Skip.ToString(CultureInfo.InvariantCulture)}";
        var records = Run("Get", () => Query(sql, includeVectors, command => AddParameters(command, parameters), cancellationToken).Select(r => r.Record).ToList());
        foreach (var record in records)
        {
            yield return record;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return DeleteAsync([key], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task DeleteAsync(IEnumerable<TKey> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var dbKeys = keys.Select(KeyToDb).ToArray();
        if (dbKeys.Length == 0)
        {
            return;
        }
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deleted = Run("Delete", () =>
            {
                var ids = new List<long>();
                using var connection = _db.OpenConnection();
                using var transaction = connection.BeginTransaction();
                foreach (var chunk in dbKeys.Chunk(MaxParameters))
                {
                    var names = chunk.Select((_, i) => "@k" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                    using var command = Command(connection, $"DELETE FROM {_table} WHERE _key IN ({string.Join(", ", names)}) RETURNING _id", transaction);
                    for (int i = 0; i < chunk.Length; i++)
                    {
                        command.Parameters.AddWithValue(names[i], chunk[i]);
                    }
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }
                if (_fullText.Length > 0)
                {
                    using var fts = Command(connection, $"DELETE FROM {_fullTextTable} WHERE rowid = @id", transaction);
                    var id = fts.Parameters.Add("@id", SqliteType.Integer);
                    foreach (var deletedId in ids)
                    {
                        id.Value = deletedId;
                        fts.ExecuteNonQuery();
                    }
                }
                var sequence = LogChanges(connection, transaction, ids);
                transaction.Commit();
                return (Ids: ids, Sequence: sequence);
            });
            Apply(index, deleted.Ids.Select(id => (id, (float[]?[]?)null)), deleted.Sequence);
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    /// <inheritdoc />
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc />
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = records.ToList();
        if (batch.Count == 0)
        {
            return;
        }
        var vectors = new float[]?[batch.Count][];
        for (int r = 0; r < batch.Count; r++)
        {
            ArgumentNullException.ThrowIfNull(batch[r], nameof(records));
            vectors[r] = new float[]?[_model.VectorProperties.Count];
        }
        for (int v = 0; v < _model.VectorProperties.Count; v++)
        {
            var property = _model.VectorProperties[v];
            if (!ValueCodec.IsNativeVectorType(property.Type))
            {
                // One generator call for the whole batch (per property): generators batch far better than one by one.
                if (property.EmbeddingGenerator is null)
                {
                    throw new InvalidOperationException(VectorDataStrings.UnsupportedVectorPropertyWithoutEmbeddingGenerator(property));
                }
                var embeddings = await property.GenerateEmbeddingsAsync(batch.Select(property.GetValueAsObject), cancellationToken).ConfigureAwait(false);
                if (embeddings.Count != batch.Count)
                {
                    throw new InvalidOperationException($"the embedding generator returned {embeddings.Count} embeddings for {batch.Count} records");
                }
                for (int r = 0; r < batch.Count; r++)
                {
                    vectors[r][v] = CheckDimensions(property, ((Embedding<float>)embeddings[r]).Vector.ToArray(), r);
                }
            }
            else
            {
                for (int r = 0; r < batch.Count; r++)
                {
                    vectors[r][v] = ValueCodec.VectorOf(property.GetValueAsObject(batch[r])) is { } memory
                        ? CheckDimensions(property, memory.ToArray(), r) : null;
                }
            }
        }
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (ids, sequence) = Run("Upsert", () => WriteBatch(batch, vectors, cancellationToken));
            Apply(index, ids.Select((id, r) => (id, (float[]?[]?)vectors[r])), sequence);
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    private static float[] CheckDimensions(VectorPropertyModel property, float[] vector, int record)
    {
        if (vector.Length != property.Dimensions)
        {
            throw new ArgumentException(
                $"record {record} of the batch: vector property '{property.ModelName}' has {vector.Length} dimensions, but the collection declares {property.Dimensions}");
        }
        return vector;
    }

    private (long[] Ids, long Sequence) WriteBatch(List<TRecord> batch, float[]?[][] vectors, CancellationToken cancellationToken)
    {
        using var connection = _db.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var key = _model.KeyProperty;
        var columns = new List<string> { "_key" };
        foreach (var data in _model.DataProperties)
        {
            columns.Add(Quote(data.StorageName));
            if (ValueCodec.HasCompanion(data.Type))
            {
                columns.Add(Quote(data.StorageName + ValueCodec.CompanionSuffix));
            }
        }
        columns.AddRange(_model.VectorProperties.Select(v => Quote(v.StorageName)));
        var names = columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var updates = columns.Skip(1).Select(c => $"{c} = excluded.{c}").ToList();
        var sql = $"INSERT INTO {_table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", names)}) " +
            $"ON CONFLICT(_key) DO {(updates.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updates))} RETURNING _id";
        if (updates.Count == 0)
        {
            sql = $"INSERT INTO {_table} (_key) VALUES (@p0) ON CONFLICT(_key) DO UPDATE SET _key = excluded._key RETURNING _id";
        }
        using var command = Command(connection, sql, transaction);
        var parameters = names.Select(n => command.Parameters.Add(n, SqliteType.Text)).ToArray();
        command.Prepare();
        var ids = new long[batch.Count];
        for (int r = 0; r < batch.Count; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = batch[r];
            var keyValue = key.GetValueAsObject(record);
            if (key.IsAutoGenerated && IsDefaultKey(keyValue))
            {
                keyValue = GenerateKey();
                key.SetValueAsObject(record, keyValue);
            }
            if (keyValue is null)
            {
                throw new ArgumentException($"record {r} of the batch has a null key ('{key.ModelName}')");
            }
            int p = 0;
            Set(parameters[p++], KeyToDb(keyValue));
            foreach (var data in _model.DataProperties)
            {
                var value = data.GetValueAsObject(record);
                Set(parameters[p++], ValueCodec.ToDb(value, data.Type));
                if (ValueCodec.HasCompanion(data.Type))
                {
                    Set(parameters[p++], ValueCodec.CompanionToDb(value));
                }
            }
            for (int v = 0; v < _model.VectorProperties.Count; v++)
            {
                Set(parameters[p++], vectors[r][v] is { } vector ? ValueCodec.VectorToBlob(vector) : DBNull.Value);
            }
            ids[r] = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        if (_fullText.Length > 0)
        {
            using var remove = Command(connection, $"DELETE FROM {_fullTextTable} WHERE rowid = @id", transaction);
            var removeId = remove.Parameters.Add("@id", SqliteType.Integer);
            var textNames = _fullText.Select((_, i) => "@t" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            using var insert = Command(connection,
                $"INSERT INTO {_fullTextTable} (rowid, {string.Join(", ", _fullText.Select(t => Quote(t.StorageName)))}) VALUES (@id, {string.Join(", ", textNames)})", transaction);
            var insertId = insert.Parameters.Add("@id", SqliteType.Integer);
            var texts = textNames.Select(n => insert.Parameters.Add(n, SqliteType.Text)).ToArray();
            for (int r = 0; r < batch.Count; r++)
            {
                removeId.Value = ids[r];
                remove.ExecuteNonQuery();
                insertId.Value = ids[r];
                for (int t = 0; t < _fullText.Length; t++)
                {
                    texts[t].Value = (object?)(_fullText[t].GetValueAsObject(batch[r]) as string) ?? DBNull.Value;
                }
                insert.ExecuteNonQuery();
            }
        }
        var sequence = LogChanges(connection, transaction, ids);
        transaction.Commit();
        return (ids, sequence);
    }

    private static void Set(SqliteParameter parameter, object value)
    {
        parameter.SqliteType = value switch
        {
            long => SqliteType.Integer,
            double => SqliteType.Real,
            byte[] => SqliteType.Blob,
            _ => SqliteType.Text,
        };
        parameter.Value = value;
    }

    private static bool IsDefaultKey(object? key) => key is null || (key is Guid g && g == Guid.Empty);

    private static object GenerateKey() => Guid.NewGuid();

    /// <inheritdoc />
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var property = _model.GetVectorPropertyOrSingle(options);
        var query = await QueryVectorAsync(property, searchValue, cancellationToken).ConfigureAwait(false);
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        var candidates = options.Filter is { } filter ? FilteredIds(index, filter, "Search") : null;
        List<(long Id, double Score)> hits;
        index.Gate.EnterReadLock();
        try
        {
            hits = index.Vectors[property.ModelName].Search(query.Span, top + options.Skip, candidates, options.ScoreThreshold, _hnswEfSearch);
        }
        finally
        {
            index.Gate.ExitReadLock();
        }
        var page = hits.Skip(options.Skip).ToList();
        if (page.Count == 0)
        {
            yield break;
        }
        foreach (var result in PageResults(page, includeVectors, "Search", cancellationToken))
        {
            yield return result;
        }
    }

    private static async ValueTask<ReadOnlyMemory<float>> QueryVectorAsync<TInput>(VectorPropertyModel property, TInput searchValue, CancellationToken cancellationToken)
    {
        switch (searchValue)
        {
            case ReadOnlyMemory<float> memory: return memory;
            case float[] array: return array;
            case Embedding<float> embedding: return embedding.Vector;
        }
        if (property.EmbeddingGenerator is null)
        {
            throw new NotSupportedException(VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(typeof(TInput), ValueCodec.SupportedVectorTypes));
        }
        var generated = await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false);
        return generated is Embedding<float> floats
            ? floats.Vector
            : throw new NotSupportedException($"the embedding generator of vector property '{property.ModelName}' returned {generated.GetType().Name}; the store needs Embedding<float>");
    }

    /// <summary>
    /// Hybrid search: the vector ranking of <paramref name="searchValue"/> and the SQLite FTS5 (BM25) ranking of
    /// <paramref name="keywords"/> over a full-text indexed string property, fused by reciprocal rank
    /// (score = Σ 1 / (60 + rank) over the two lists; higher is better).
    /// </summary>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top,
        HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var vectorProperty = _model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        var textProperty = _model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty);
        var query = await QueryVectorAsync(vectorProperty, searchValue, cancellationToken).ConfigureAwait(false);
        // Each list is deeper than the page so that fusion can promote a record ranked lower in one of them.
        var depth = Math.Max(50, 4 * (top + options.Skip));
        var index = await LoadedIndexAsync(cancellationToken).ConfigureAwait(false);
        var candidates = options.Filter is { } filter ? FilteredIds(index, filter, "HybridSearch") : null;
        List<(long Id, double Score)> vectorHits;
        index.Gate.EnterReadLock();
        try
        {
            vectorHits = index.Vectors[vectorProperty.ModelName].Search(query.Span, depth, candidates, null, _hnswEfSearch);
        }
        finally
        {
            index.Gate.ExitReadLock();
        }
        var terms = keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => "\"" + k.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"").ToList();
        var keywordHits = terms.Count == 0 ? [] : Run("HybridSearch", () =>
        {
            using var connection = _db.OpenConnection();
            // Column filter: only the chosen property's text; any keyword matches (OR), BM25 orders.
            using var command = Command(connection,
                $"SELECT rowid FROM {_fullTextTable} WHERE {_fullTextTable} MATCH @q ORDER BY bm25({_fullTextTable}) LIMIT @limit");
            command.Parameters.AddWithValue("@q", "{" + textProperty.StorageName + "} : (" + string.Join(" OR ", terms) + ")");
            command.Parameters.AddWithValue("@limit", candidates is null ? depth : -1);
            var ids = new List<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read() && ids.Count < depth)
            {
                var id = reader.GetInt64(0);
                if (candidates is null || candidates.Contains(id))
                {
                    ids.Add(id);
                }
            }
            return ids;
        });
        var fused = new Dictionary<long, double>();
        for (int i = 0; i < vectorHits.Count; i++)
        {
            fused[vectorHits[i].Id] = 1.0 / (60 + i + 1);
        }
        for (int i = 0; i < keywordHits.Count; i++)
        {
            fused[keywordHits[i]] = fused.GetValueOrDefault(keywordHits[i]) + 1.0 / (60 + i + 1);
        }
        var page = fused.Where(f => options.ScoreThreshold is not { } t || f.Value >= t)
            .OrderByDescending(f => f.Value).ThenBy(f => f.Key)
            .Skip(options.Skip).Take(top).Select(f => (Id: f.Key, Score: f.Value)).ToList();
        if (page.Count == 0)
        {
            yield break;
        }
        foreach (var result in PageResults(page, includeVectors, "HybridSearch", cancellationToken))
        {
            yield return result;
        }
    }

    /// <summary>
    /// Reads a page of scored row ids' records in one query and pairs them with their scores, in page order; a record
    /// deleted between the scan and the read is left out.
    /// </summary>
    private List<VectorSearchResult<TRecord>> PageResults(List<(long Id, double Score)> page, bool includeVectors, string operation,
        CancellationToken cancellationToken)
    {
        var records = Run(operation, () =>
        {
            var names = page.Select((_, i) => "@i" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            return Query($"WHERE _id IN ({string.Join(", ", names)})", includeVectors,
                command => { for (int i = 0; i < page.Count; i++) command.Parameters.AddWithValue(names[i], page[i].Id); },
                cancellationToken).ToDictionary(r => r.Id, r => r.Record);
        });
        var results = new List<VectorSearchResult<TRecord>>(page.Count);
        foreach (var (id, score) in page)
        {
            if (records.TryGetValue(id, out var record))
            {
                results.Add(new VectorSearchResult<TRecord>(record, score));
            }
        }
        return results;
    }

    /// <summary>The row ids a filter keeps, selected in SQLite (indexed properties use their indexes).</summary>
    /// <remarks>
    /// The answer is kept (a few filters per collection) until the next committed change, so an app that searches
    /// many times under the same filter (a tenant, a category) asks SQLite once per change, not once per search.
    /// </remarks>
    private HashSet<long> FilteredIds(CollectionIndex index, LambdaExpression filter, string operation)
    {
        var parameters = new List<object>();
        var where = SqlFilterTranslator.Translate(filter, _model, parameters, ColumnOf);
        return index.FilterResults.GetOrAdd(where, parameters, () => Run(operation, () =>
        {
            using var connection = _db.OpenConnection();
            using var command = Command(connection, $"SELECT _id FROM {_table} WHERE {where}");
            AddParameters(command, parameters);
            var ids = new HashSet<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
            return ids;
        }));
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreCollectionMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _db.Release();
        }
        base.Dispose(disposing);
    }

    private bool CheckIncludeVectors(bool includeVectors)
    {
        if (includeVectors && _model.EmbeddingGenerationRequired)
        {
            throw new NotSupportedException(VectorDataStrings.IncludeVectorsNotSupportedWithEmbeddingGeneration);
        }
        return includeVectors;
    }

    private static string ColumnOf(PropertyModel property) => property is KeyPropertyModel ? "_key" : Quote(property.StorageName);

    private object KeyToDb(TKey key) => KeyToDb((object)key);

    private object KeyToDb(object key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_keyType.IsInstanceOfType(key))
        {
            throw new ArgumentException($"key {key} has type {key.GetType().Name}, but the collection's keys are {_keyType.Name}");
        }
        return ValueCodec.ToDb(key, _keyType);
    }

    private static void AddParameters(SqliteCommand command, List<object> parameters)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            command.Parameters.AddWithValue("@f" + i.ToString(CultureInfo.InvariantCulture), parameters[i]);
        }
    }

    private List<(long Id, TRecord Record)> Query(string condition, bool includeVectors, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        var columns = new List<string> { "_id", "_key" };
        foreach (var data in _model.DataProperties)
        {
            columns.Add(Quote(data.StorageName));
            if (ValueCodec.HasCompanion(data.Type))
            {
                columns.Add(Quote(data.StorageName + ValueCodec.CompanionSuffix));
            }
        }
        if (includeVectors)
        {
            columns.AddRange(_model.VectorProperties.Select(v => Quote(v.StorageName)));
        }
        using var connection = _db.OpenConnection();
        using var command = Command(connection, $"SELECT {string.Join(", ", columns)} FROM {_table} {condition}");
        bind(command);
        var results = new List<(long, TRecord)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = _model.CreateRecord<TRecord>()!;
            _model.KeyProperty.SetValueAsObject(record, ValueCodec.FromDb(Read(reader, 1), _keyType));
            int c = 2;
            foreach (var data in _model.DataProperties)
            {
                var value = Read(reader, c++);
                if (ValueCodec.HasCompanion(data.Type))
                {
                    value = value with { Offset = reader.IsDBNull(c) ? 0 : reader.GetInt64(c) };
                    c++;
                }
                data.SetValueAsObject(record, ValueCodec.FromDb(value, data.Type));
            }
            if (includeVectors)
            {
                foreach (var vector in _model.VectorProperties)
                {
                    var blob = reader.IsDBNull(c) ? null : (byte[])reader.GetValue(c);
                    c++;
                    vector.SetValueAsObject(record, ValueCodec.VectorAs(blob is null ? null : ValueCodec.BlobToVector(blob), vector.Type));
                }
            }
            results.Add((reader.GetInt64(0), record));
        }
        return results;
    }

    private static SqliteValue Read(SqliteDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return new SqliteValue(true, 0, 0, "", 0);
        }
        return reader.GetValue(ordinal) switch
        {
            long l => new SqliteValue(false, l, l, "", 0),
            double d => new SqliteValue(false, (long)d, d, "", 0),
            string s => new SqliteValue(false, 0, 0, s, 0),
            var other => new SqliteValue(false, 0, 0, Convert.ToString(other, CultureInfo.InvariantCulture) ?? "", 0),
        };
    }

    private string DescribeSchema() => JsonSerializer.Serialize(new
    {
        key = _keyType.Name,
        data = _model.DataProperties.Select(d => new { name = d.StorageName, type = ValueCodec.Underlying(d.Type).Name, indexed = d.IsIndexed, fullText = d.IsFullTextIndexed }),
        vectors = _model.VectorProperties.Select(v => new { name = v.StorageName, dimensions = v.Dimensions, distance = v.DistanceFunction ?? DistanceFunction.CosineSimilarity, index = v.IndexKind ?? IndexKind.Flat }),
    });

    private T Run<T>(string operation, Func<T> action)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        try
        {
            return action();
        }
        catch (SqliteException e) when (e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            throw new VectorStoreException($"collection '{Name}' does not exist; call EnsureCollectionExistsAsync first", e)
            { VectorStoreSystemName = ManabiDatabase.SystemName, VectorStoreName = _db.Directory, CollectionName = Name, OperationName = operation };
        }
        catch (SqliteException e)
        {
            throw new VectorStoreException($"{operation} on collection '{Name}' failed: {e.Message}", e)
            { VectorStoreSystemName = ManabiDatabase.SystemName, VectorStoreName = _db.Directory, CollectionName = Name, OperationName = operation };
        }
        catch (VectorStoreException e) when (e.CollectionName is null)
        {
            throw new VectorStoreException(e.Message, e.InnerException)
            { VectorStoreSystemName = ManabiDatabase.SystemName, VectorStoreName = _db.Directory, CollectionName = Name, OperationName = operation };
        }
    }


    internal static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex NamePattern();
}
