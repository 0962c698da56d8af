using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData;

/// <summary>
/// One open store directory, shared by every store and collection object of this process that names it (counted
/// references): the SQLite database, the exclusive lock that keeps other processes out, the one-writer gate and
/// the in-memory search structures of each collection.
/// </summary>
internal sealed class ManabiDatabase
{
    public const string DatabaseFile = "store.db";
    public const string LockFile = "store.lock";
    public const string SystemName = "manabi";
    private static readonly ConcurrentDictionary<string, ManabiDatabase> Open = new(StringComparer.Ordinal);
    private static readonly Lock OpenGate = new();
    private readonly FileStream _lock;
    private readonly ConcurrentDictionary<string, CollectionIndex> _indexes = new(StringComparer.Ordinal);
    private int _references;

    private ManabiDatabase(string directory, FileStream lockStream)
    {
        Directory = directory;
        _lock = lockStream;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, DatabaseFile),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();
        bool existed = File.Exists(Path.Combine(directory, DatabaseFile));
        using var connection = OpenConnection();
        if (existed && !IsManabiStore(connection))
        {
            // Another application's SQLite file (or an empty one) is not taken over: it would gain our tables.
            throw new InvalidDataException($"'{Path.Combine(directory, DatabaseFile)}' is not a Manabi vector store (no _manabi_collections table)");
        }
        using var command = connection.CreateCommand();
        // WAL: readers never block the writer; the registry table lists the collections.
        command.CommandText =
            "PRAGMA journal_mode=WAL;" +
            "CREATE TABLE IF NOT EXISTS _manabi_collections (name TEXT PRIMARY KEY, schema TEXT NOT NULL);";
        command.ExecuteNonQuery();
    }

    public string Directory { get; }

    public string ConnectionString { get; }

    /// <summary>Serializes writes: SQLite has one writer, and the in-memory index must change in commit order.</summary>
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    public static ManabiDatabase Acquire(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        lock (OpenGate)
        {
            if (!Open.TryGetValue(full, out var db))
            {
                // What this call creates, it removes again if the store cannot be opened: a failed open leaves nothing.
                bool createdDirectory = !System.IO.Directory.Exists(full);
                bool createdLock = !File.Exists(Path.Combine(full, LockFile));
                System.IO.Directory.CreateDirectory(full);
                FileStream lockStream;
                try
                {
                    // An exclusive handle on the lock file: a second process gets a clear error instead of a second
                    // writer (the OS drops the lock when this process dies, even by SIGKILL).
                    lockStream = new FileStream(Path.Combine(full, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException e)
                {
                    throw new VectorStoreException(
                        $"the vector store directory '{full}' is in use by another process (lock file {LockFile}); " +
                        "one process at a time may open a Manabi vector store", e)
                    { VectorStoreSystemName = SystemName, VectorStoreName = full, OperationName = "Open" };
                }
                try
                {
                    db = new ManabiDatabase(full, lockStream);
                }
                catch (Exception e) when (e is SqliteException or InvalidDataException)
                {
                    lockStream.Dispose();
                    SqliteConnection.ClearAllPools();
                    if (createdLock)
                    {
                        File.Delete(Path.Combine(full, LockFile));
                    }
                    if (createdDirectory && !System.IO.Directory.EnumerateFileSystemEntries(full).Any())
                    {
                        System.IO.Directory.Delete(full);
                    }
                    throw new VectorStoreException($"cannot open the vector store database '{Path.Combine(full, DatabaseFile)}': {e.Message}", e)
                    { VectorStoreSystemName = SystemName, VectorStoreName = full, OperationName = "Open" };
                }
                Open[full] = db;
            }
            db._references++;
            return db;
        }
    }

    /// <summary>Deletes a store's files under the open-directories gate, so neither this process nor another has it open.</summary>
    public static void DeleteFiles(string full)
    {
        lock (OpenGate)
        {
            if (Open.ContainsKey(full))
            {
                throw new VectorStoreException($"the vector store directory '{full}' is open in this process; dispose its stores and collections first")
                { VectorStoreSystemName = SystemName, VectorStoreName = full, OperationName = "Delete" };
            }
            var lockPath = Path.Combine(full, LockFile);
            var databasePath = Path.Combine(full, DatabaseFile);
            bool createdLock = !File.Exists(lockPath);
            try
            {
                using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                {
                    // Only a Manabi store is deleted: a store.db of another kind is someone's data.
                    if (File.Exists(databasePath) && !IsManabiStoreFile(databasePath))
                    {
                        throw new InvalidDataException($"'{databasePath}' is not a Manabi vector store (not SQLite, or no _manabi_collections table)");
                    }
                    foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
                    {
                        File.Delete(Path.Combine(full, DatabaseFile + suffix));
                    }
                    DeleteSnapshots(full);
                }
            }
            catch (InvalidDataException e)
            {
                if (createdLock)
                {
                    File.Delete(lockPath);
                }
                throw new VectorStoreException($"{e.Message}; nothing was deleted", e)
                { VectorStoreSystemName = SystemName, VectorStoreName = full, OperationName = "Delete" };
            }
            catch (IOException e)
            {
                throw new VectorStoreException($"the vector store directory '{full}' is in use by another process (lock file {LockFile}); it was not deleted", e)
                { VectorStoreSystemName = SystemName, VectorStoreName = full, OperationName = "Delete" };
            }
            File.Delete(lockPath);
            if (!System.IO.Directory.EnumerateFileSystemEntries(full).Any())
            {
                System.IO.Directory.Delete(full);
            }
        }
    }

    /// <summary>Deletes the collections' snapshot files (only those: anything else in the folder is left).</summary>
    private static void DeleteSnapshots(string full)
    {
        var snapshots = Path.Combine(full, CollectionIndex.SnapshotDirectory);
        if (!System.IO.Directory.Exists(snapshots))
        {
            return;
        }
        foreach (var file in System.IO.Directory.EnumerateFiles(snapshots))
        {
            if (file.EndsWith(CollectionIndex.SnapshotExtension, StringComparison.Ordinal) || file.EndsWith(".tmp", StringComparison.Ordinal))
            {
                File.Delete(file);
            }
        }
        if (!System.IO.Directory.EnumerateFileSystemEntries(snapshots).Any())
        {
            System.IO.Directory.Delete(snapshots);
        }
    }

    private static bool IsManabiStore(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_manabi_collections'";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Whether the file is a SQLite database holding the store's registry table (read-only look, nothing created).</summary>
    private static bool IsManabiStoreFile(string path)
    {
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            return IsManabiStore(connection);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public void Release()
    {
        lock (OpenGate)
        {
            if (--_references > 0)
            {
                return;
            }
            Open.TryRemove(Directory, out _);
            foreach (var index in _indexes.Values)
            {
                index.Dispose();
            }
            _indexes.Clear();
            // Closes pooled handles so that the WAL is checkpointed and the files can be deleted or reopened.
            SqliteConnection.ClearAllPools();
            _lock.Dispose();
        }
    }

    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // FULL: a committed batch survives power loss too, not only a killed process. busy_timeout: readers of this
        // process wait for a checkpoint instead of failing.
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=OFF;";
        command.ExecuteNonQuery();
        return connection;
    }

    public CollectionIndex Index(string table, Func<CollectionIndex> create) => _indexes.GetOrAdd(table, _ => create());

    public void DropIndex(string table)
    {
        if (_indexes.TryRemove(table, out var index))
        {
            // The collection is being deleted: nothing to save.
            index.Close(save: false);
        }
    }
}
