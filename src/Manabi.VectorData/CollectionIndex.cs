using System.Buffers.Binary;
using System.Text;

namespace Manabi.VectorData;

/// <summary>
/// The search structures of one collection (one <see cref="VectorIndex"/> per vector property) and their upkeep. A
/// background worker links newly stored rows into the HNSW graphs, a slice at a time, and saves a snapshot of every
/// structure to <c>indexes/&lt;collection&gt;.mvi</c> when enough has changed and when the store closes. SQLite stays
/// the source of truth: each committed change is logged there with a sequence number, the snapshot records the last
/// sequence it contains, and opening reads the snapshot back and replays only the changes logged after it. A missing,
/// damaged (it ends with an XXH3 checksum of its bytes) or stale snapshot is ignored and the structures are rebuilt
/// from the records.
/// </summary>
internal sealed class CollectionIndex : IDisposable
{
    public const string SnapshotDirectory = "indexes";
    public const string SnapshotExtension = ".mvi";
    private const uint Magic = 0x4958_564D;    // "MVXI" little-endian
    private const uint EndMagic = 0x444E_4558; // "XEND"
    private const int FormatVersion = 1;
    private readonly string _snapshotPath;
    private readonly string _schema;
    private readonly Action<long> _truncateLog;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Task _worker;
    private long _changesSinceSnapshot;
    private int _closed;

    /// <param name="vectors">The structures, by vector property name.</param>
    /// <param name="snapshotPath">The collection's snapshot file.</param>
    /// <param name="schema">The collection's schema description; a snapshot of another schema is not read.</param>
    /// <param name="truncateLog">Deletes the logged changes up to a sequence once a snapshot holds them.</param>
    public CollectionIndex(IReadOnlyDictionary<string, VectorIndex> vectors, string snapshotPath, string schema, Action<long> truncateLog)
    {
        Vectors = vectors;
        _snapshotPath = snapshotPath;
        _schema = schema;
        _truncateLog = truncateLog;
        FilterResults = new FilterResultCache(() => Volatile.Read(ref _appliedSequence));
        _worker = Task.Run(RunAsync);
    }

    /// <summary>Rows changed since the last snapshot before the worker saves a new one (or half the rows, if more).</summary>
    public int SnapshotThreshold { get; set; } = 50_000;

    public IReadOnlyDictionary<string, VectorIndex> Vectors { get; }

    /// <summary>Recent filters' row ids, valid until the next applied change.</summary>
    public FilterResultCache FilterResults { get; }

    /// <summary>Many searches at once, one change at a time (a change waits for running searches).</summary>
    public ReaderWriterLockSlim Gate { get; } = new(LockRecursionPolicy.NoRecursion);

    /// <summary>Set once the rows have been read (from the snapshot and the log, or from the records).</summary>
    public bool Loaded { get; private set; }

    /// <summary>The sequence of the last logged change the structures contain.</summary>
    public long AppliedSequence { get => Volatile.Read(ref _appliedSequence); private set => Volatile.Write(ref _appliedSequence, value); }

    private long _appliedSequence;

    /// <summary>The sequence the snapshot on disk contains; −1 when there is none.</summary>
    public long SnapshotSequence { get; private set; } = -1;

    /// <summary>The last failure to save a snapshot (the structures are then rebuilt or replayed on the next open).</summary>
    public Exception? LastSnapshotError { get; private set; }

    public static string SnapshotPathOf(string storeDirectory, string collection) =>
        Path.Combine(storeDirectory, SnapshotDirectory, collection + SnapshotExtension);

    /// <summary>Deletes a collection's snapshot and any half-written one left by a killed process.</summary>
    public static void DeleteSnapshot(string snapshotPath)
    {
        // File.Delete throws when the folder is missing (a store whose collections never saved a snapshot).
        if (File.Exists(snapshotPath))
        {
            File.Delete(snapshotPath);
        }
        DeleteTemporaries(snapshotPath);
    }

    /// <summary>Deletes the half-written snapshots (<c>&lt;snapshot&gt;.&lt;pid&gt;.tmp</c>) a killed process may have left.</summary>
    private static void DeleteTemporaries(string snapshotPath)
    {
        var directory = Path.GetDirectoryName(snapshotPath)!;
        if (Directory.Exists(directory))
        {
            foreach (var temp in Directory.EnumerateFiles(directory, Path.GetFileName(snapshotPath) + ".*.tmp"))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>
    /// Marks the structures loaded (caller holds the write lock): <paramref name="sequence"/> is the last logged
    /// change they contain, <paramref name="snapshotSequence"/> what the snapshot read holds (−1: rebuilt from the
    /// records), <paramref name="changedRows"/> how many rows differ from the snapshot.
    /// </summary>
    public void MarkLoaded(long sequence, long snapshotSequence, long changedRows)
    {
        AppliedSequence = sequence;
        SnapshotSequence = snapshotSequence;
        _changesSinceSnapshot = snapshotSequence < 0 ? Math.Max(1, changedRows) : changedRows;
        Loaded = true;
        _wake.Release();
    }

    /// <summary>Records that a committed change (logged up to <paramref name="sequence"/>) was applied (caller holds the write lock).</summary>
    public void Applied(long sequence, int changedRows)
    {
        AppliedSequence = Math.Max(AppliedSequence, sequence);
        _changesSinceSnapshot += changedRows;
        _wake.Release();
    }

    /// <summary>
    /// Reads the snapshot into the structures (caller holds the write lock); returns the sequence it holds, or null
    /// (structures left empty) when there is none or it is not a whole, matching snapshot of this collection.
    /// </summary>
    public long? ReadSnapshot()
    {
        DeleteTemporaries(_snapshotPath);
        if (!File.Exists(_snapshotPath))
        {
            return null;
        }
        try
        {
            using var file = new FileStream(_snapshotPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            var stream = new ChecksumStream(file, writing: false);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (reader.ReadUInt32() != Magic || reader.ReadInt32() != FormatVersion || reader.ReadString() != _schema)
            {
                return ClearAll();
            }
            var sequence = reader.ReadInt64();
            if (sequence < 0 || reader.ReadInt32() != Vectors.Count)
            {
                return ClearAll();
            }
            foreach (var vectors in Ordered())
            {
                if (!vectors.Read(reader))
                {
                    return ClearAll();
                }
            }
            if (reader.ReadUInt32() != EndMagic)
            {
                return ClearAll();
            }
            // The checksum of every byte before it, then nothing: any damaged byte shows.
            Span<byte> checksum = stackalloc byte[8];
            file.ReadExactly(checksum);
            return BinaryPrimitives.ReadUInt64LittleEndian(checksum) == stream.Checksum && file.Position == file.Length ? sequence : ClearAll();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or OverflowException)
        {
            // EndOfStreamException (a truncated file) is an IOException; a damaged string length an ArgumentException.
            return ClearAll();
        }
    }

    private long? ClearAll()
    {
        foreach (var vectors in Vectors.Values)
        {
            vectors.Clear();
        }
        return null;
    }

    private IEnumerable<VectorIndex> Ordered() => Vectors.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Value);

    /// <summary>
    /// Writes a snapshot of the structures as they are (under the read lock: searches go on, changes wait) to a
    /// temporary file, flushed to disk, then renamed over the old one; then the log up to its sequence is dropped.
    /// A failure leaves the old snapshot and the log as they were.
    /// </summary>
    public void SaveSnapshot()
    {
        long sequence;
        var temp = $"{_snapshotPath}.{Environment.ProcessId}.tmp";
        Gate.EnterReadLock();
        try
        {
            if (!Loaded || (_changesSinceSnapshot == 0 && SnapshotSequence >= 0))
            {
                return;
            }
            sequence = AppliedSequence;
            Directory.CreateDirectory(Path.GetDirectoryName(_snapshotPath)!);
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var stream = new ChecksumStream(file, writing: true);
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(_schema);
                    writer.Write(sequence);
                    writer.Write(Vectors.Count);
                    foreach (var vectors in Ordered())
                    {
                        vectors.Write(writer);
                    }
                    writer.Write(EndMagic);
                }
                Span<byte> checksum = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(checksum, stream.Checksum);
                file.Write(checksum);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, _snapshotPath, overwrite: true);
            SnapshotSequence = sequence;
            _changesSinceSnapshot = 0;
            LastSnapshotError = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastSnapshotError = e;
            TryDelete(temp);
            return;
        }
        finally
        {
            Gate.ExitReadLock();
        }
        try
        {
            _truncateLog(sequence);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            // Only housekeeping: the next snapshot truncates further.
            LastSnapshotError = e;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary is deleted on the next open.
        }
    }

    /// <summary>Rows not linked into their HNSW graph yet (searches scan them exactly).</summary>
    public int Pending()
    {
        Gate.EnterReadLock();
        try
        {
            return Vectors.Values.Sum(v => v.Pending);
        }
        finally
        {
            Gate.ExitReadLock();
        }
    }

    /// <summary>Completes once every stored row is linked into its HNSW graph.</summary>
    public async Task WaitForLinkedAsync(CancellationToken cancellationToken)
    {
        // Polled without the lock (counts are single ints; a stale read only means one more poll): a poll that waited
        // for the lock would cut every linking slice short.
        while (Vectors.Values.Sum(v => v.Pending) > 0 || Pending() > 0)
        {
            ObjectDisposedException.ThrowIf(_closed != 0, this);
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What stopped the worker, if it failed (rows are then no longer linked; searches stay exact).</summary>
    public Exception? WorkerError { get; private set; }

    private async Task RunAsync()
    {
        try
        {
            await LinkAndSaveAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        catch (Exception e)
        {
            WorkerError = e;
        }
    }

    private async Task LinkAndSaveAsync(CancellationToken token)
    {
        while (true)
        {
            try
            {
                await _wake.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            while (_wake.Wait(0))
            {
                // Several wake-ups while busy mean the same thing: look again.
            }
            if (!Loaded)
            {
                continue;
            }
            // Links in slices of a few milliseconds under the write lock, so searches and writes interleave. While
            // batches keep arriving, each slice is followed by a pause as long as itself: linking takes at most half
            // of a core from a bulk load (which stays searchable meanwhile: unlinked rows are scanned exactly).
            for (var pending = true; pending;)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }
                var started = Environment.TickCount64;
                var sequence = AppliedSequence;
                _sawWaiters = false;
                Gate.EnterWriteLock();
                try
                {
                    pending = false;
                    var deadline = Environment.TickCount64 + 10;
                    foreach (var vectors in Vectors.Values)
                    {
                        pending |= vectors.LinkPending(deadline, YieldToWaiters) > 0;
                    }
                }
                finally
                {
                    Gate.ExitWriteLock();
                }
                // A stream of batches keeps at least half the time, and a waiter (a search) gets the lock before the
                // next slice takes it back (a woken thread is slower than this loop).
                if (pending && Environment.TickCount64 >= _nextBusyCheck)
                {
                    // Under a steady stream of writes the graph may never catch up: save anyway once every row changed.
                    _nextBusyCheck = Environment.TickCount64 + 1000;
                    if (SnapshotDue(linked: false))
                    {
                        SaveSnapshot();
                    }
                }
                if (AppliedSequence != sequence)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Environment.TickCount64 - started)), CancellationToken.None).ConfigureAwait(false);
                }
                else if (_sawWaiters)
                {
                    await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    await Task.Yield();
                }
            }
            if (SnapshotDue(linked: true))
            {
                SaveSnapshot();
            }
        }
    }

    // A search or a committed batch waiting for the lock ends the slice early: linking is the one thing that can wait.
    private bool YieldToWaiters() => _sawWaiters = Gate.WaitingReadCount > 0 || Gate.WaitingWriteCount > 0;

    private bool _sawWaiters;

    private long _nextBusyCheck;

    /// <summary>
    /// Whether enough changed since the last snapshot: half the rows once the graphs are linked, every row while rows
    /// are still waiting to be linked (a snapshot then carries them unlinked, and the next open links them).
    /// </summary>
    private bool SnapshotDue(bool linked)
    {
        Gate.EnterReadLock();
        try
        {
            var rows = Vectors.Values.Select(v => (long)v.Count).DefaultIfEmpty().Max();
            return _changesSinceSnapshot >= Math.Max(SnapshotThreshold, linked ? rows / 2 : rows);
        }
        finally
        {
            Gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Stops the worker and, when <paramref name="save"/>, writes a last snapshot if anything changed since the
    /// previous one (a collection being deleted is not saved).
    /// </summary>
    public void Close(bool save)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _stop.Cancel();
        // The worker catches its own failures, and it stops between slices.
        _worker.Wait();
        if (save)
        {
            SaveSnapshot();
        }
        Gate.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }

    public void Dispose() => Close(save: true);
}
