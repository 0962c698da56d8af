using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace Manabi.VectorData;

/// <summary>
/// An embedded, durable Microsoft.Extensions.VectorData store over one directory: records, data and vectors in
/// SQLite (<c>store.db</c>, WAL mode), exact search over in-memory vectors rebuilt from it. One process at a time
/// may open a directory (<c>store.lock</c>); within the process every store and collection on it shares one
/// database and one set of search structures.
/// </summary>
public sealed class ManabiVectorStore : VectorStore
{
    private readonly ManabiDatabase _db;
    private readonly ManabiVectorStoreOptions _options;
    private readonly VectorStoreMetadata _metadata;
    private int _disposed;

    /// <summary>Opens (or creates) the store in <paramref name="directory"/>.</summary>
    /// <exception cref="VectorStoreException">Another process has the directory open, or the database cannot be opened.</exception>
    public ManabiVectorStore(string directory, ManabiVectorStoreOptions? options = null)
    {
        _db = ManabiDatabase.Acquire(directory);
        _options = options ?? new ManabiVectorStoreOptions();
        _metadata = new VectorStoreMetadata { VectorStoreSystemName = ManabiDatabase.SystemName, VectorStoreName = _db.Directory };
    }

    /// <summary>The store directory (full path).</summary>
    public string Directory => _db.Directory;

    /// <inheritdoc />
    public override VectorStoreCollection<TKey, TRecord> GetCollection<TKey, TRecord>(string name, VectorStoreCollectionDefinition? definition = null)
    {
        if (typeof(TRecord) == typeof(Dictionary<string, object?>))
        {
            throw new NotSupportedException(VectorDataStrings.GetCollectionWithDictionaryNotSupported);
        }
        Acquire();
        return new ManabiCollection<TKey, TRecord>(_db, name, new ManabiCollectionOptions { Definition = definition, HnswEfSearch = _options.HnswEfSearch }, _options.EmbeddingGenerator);
    }

    /// <inheritdoc />
    public override VectorStoreCollection<object, Dictionary<string, object?>> GetDynamicCollection(string name, VectorStoreCollectionDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Acquire();
        return new ManabiDynamicCollection(_db, name, new ManabiCollectionOptions { Definition = definition, HnswEfSearch = _options.HnswEfSearch }, _options.EmbeddingGenerator);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<string> ListCollectionNamesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var names = new List<string>();
        using (var connection = _db.OpenConnection())
        using (var command = ManabiCollection<int, object>.Command(connection, "SELECT name FROM _manabi_collections ORDER BY name"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override Task<bool> CollectionExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(name);
        using var connection = _db.OpenConnection();
        return Task.FromResult(ManabiCollection<int, object>.Exists(connection, name));
    }

    /// <inheritdoc />
    public override async Task EnsureCollectionDeletedAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentNullException.ThrowIfNull(name);
        await _db.WriteGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ManabiCollection<int, object>.DropCollection(_db, name);
        }
        finally
        {
            _db.WriteGate.Release();
        }
    }

    /// <summary>Each collection of the store with its record count and stored schema, by name.</summary>
    public Task<IReadOnlyList<ManabiCollectionInfo>> GetCollectionInfoAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var infos = new List<ManabiCollectionInfo>();
        using var connection = _db.OpenConnection();
        var collections = new List<(string Name, string Schema)>();
        using (var command = ManabiCollection<int, object>.Command(connection, "SELECT name, schema FROM _manabi_collections ORDER BY name"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                collections.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, schema) in collections)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var count = ManabiCollection<int, object>.Command(connection, $"SELECT COUNT(*) FROM {ManabiCollection<int, object>.Quote("c_" + name)}");
            infos.Add(new ManabiCollectionInfo(name, Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), schema));
        }
        return Task.FromResult<IReadOnlyList<ManabiCollectionInfo>>(infos);
    }

    /// <summary>True when <paramref name="directory"/> holds a Manabi vector store (its database file).</summary>
    public static bool Exists(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return File.Exists(Path.Combine(directory, ManabiDatabase.DatabaseFile));
    }

    /// <summary>
    /// Deletes the store in <paramref name="directory"/> (its database, WAL and lock files; the directory too when
    /// nothing else is left in it). Refused while a process, this one included, has the store open.
    /// </summary>
    /// <exception cref="VectorStoreException">The store is open.</exception>
    public static void Delete(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            return;
        }
        ManabiDatabase.DeleteFiles(full);
    }

    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(VectorStoreMetadata) ? _metadata
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

    // Each collection holds its own reference to the database, so it stays usable after the store is disposed.
    private void Acquire()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ManabiDatabase.Acquire(_db.Directory);
    }
}

/// <summary>One collection of a <see cref="ManabiVectorStore"/>: its name, record count and stored schema (JSON).</summary>
/// <param name="Name">The collection name.</param>
/// <param name="Count">Records stored.</param>
/// <param name="Schema">The key type, data properties and vector properties the collection was created with, as JSON.</param>
public sealed record ManabiCollectionInfo(string Name, long Count, string Schema);
