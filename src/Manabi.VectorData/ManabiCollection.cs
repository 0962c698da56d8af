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
