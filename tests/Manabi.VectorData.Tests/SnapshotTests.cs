using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

/// <summary>
/// The search structures' snapshot (indexes/&lt;collection&gt;.mvi) and change log: reopening reads the snapshot
/// (the graph is not relinked), replays what was committed after it, and ignores a damaged or stale one.
/// </summary>
public sealed class SnapshotTests
{
    public sealed class Doc
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Bucket { get; set; }

        [VectorStoreVector(24, IndexKind = IndexKind.Flat, DistanceFunction = DistanceFunction.EuclideanDistance)]
        public ReadOnlyMemory<float> Exact { get; set; }

        [VectorStoreVector(24, IndexKind = IndexKind.Hnsw, DistanceFunction = DistanceFunction.CosineSimilarity)]
        public ReadOnlyMemory<float> Graph { get; set; }
    }

    private const string Name = "docs";

    private static Doc Make(int id, int version = 0)
    {
        var random = new Random(id * 31 + version * 1_000_003);
        var centre = new Random(id % 25).Next(1000);
        var vector = Enumerable.Range(0, 24).Select(d => (float)Math.Sin(centre * 0.37 + d) + (float)(random.NextDouble() - 0.5) * 0.4f).ToArray();
        return new Doc { Id = id, Bucket = id % 10, Exact = vector, Graph = vector };
    }

    private static string SnapshotOf(string directory) => Path.Combine(directory, "indexes", Name + ".mvi");

    private static async Task<(ManabiVectorStore Store, ManabiCollection<int, Doc> Collection)> OpenAsync(string directory)
    {
        var store = new ManabiVectorStore(directory);
        var collection = (ManabiCollection<int, Doc>)store.GetCollection<int, Doc>(Name);
        await collection.EnsureCollectionExistsAsync();
        return (store, collection);
    }

    private static float[] Query(int seed) => Make(100_000 + seed).Exact.ToArray();

    /// <summary>Both properties' top 10 for a few queries, as (id, score) lists.</summary>
    private static async Task<List<(int Id, double Score)>[]> ResultsAsync(ManabiCollection<int, Doc> collection)
    {
        var results = new List<List<(int, double)>>();
        for (int q = 0; q < 12; q++)
        {
            foreach (var property in new[] { "Exact", "Graph" })
            {
                var hits = await collection.SearchAsync(Query(q), 10, new() { VectorProperty = property == "Exact" ? d => d.Exact : d => d.Graph }).ToListAsync();
                results.Add(hits.Select(h => (h.Record.Id, h.Score!.Value)).ToList());
            }
        }
        return [.. results];
    }

    /// <summary>Checks search results against brute force over the records that should be stored.</summary>
    private static async Task AssertMatchesBruteForceAsync(ManabiCollection<int, Doc> collection, IReadOnlyDictionary<int, Doc> live)
    {
        double found = 0, wanted = 0;
        for (int q = 0; q < 20; q++)
        {
            var query = Query(q);
            var exact = live.Values.OrderBy(d => Distance(query, d.Exact.Span)).ThenBy(d => d.Id).Take(10).Select(d => d.Id).ToList();
            var flat = await collection.SearchAsync(query, 10, new() { VectorProperty = d => d.Exact }).ToListAsync();
            Assert.Equal(exact, flat.Select(h => h.Record.Id));
            var cosine = live.Values.OrderByDescending(d => FilterTests.Cosine(query, d.Graph.Span)).Take(10).Select(d => d.Id).ToHashSet();
            var graph = await collection.SearchAsync(query, 10, new() { VectorProperty = d => d.Graph }).ToListAsync();
            foreach (var hit in graph)
            {
                // Every hit is a live record scored with its current vector.
                Assert.True(live.ContainsKey(hit.Record.Id), $"record {hit.Record.Id} is not stored");
                Assert.Equal(FilterTests.Cosine(query, live[hit.Record.Id].Graph.Span), hit.Score!.Value, 4);
            }
            found += graph.Count(h => cosine.Contains(h.Record.Id));
            wanted += cosine.Count;
        }
        Assert.True(found / wanted >= 0.95, $"HNSW recall@10 {found / wanted:F3}");
    }

    private static double Distance(float[] a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
        }
        return Math.Sqrt(sum);
    }

    private static async Task<Dictionary<int, Doc>> FillAsync(ManabiCollection<int, Doc> collection, int count)
    {
        var docs = Enumerable.Range(1, count).Select(i => Make(i)).ToList();
        foreach (var batch in docs.Chunk(500))
        {
            await collection.UpsertAsync(batch);
        }
        await collection.WaitForIndexAsync();
        return docs.ToDictionary(d => d.Id);
    }

    private static long LogRows(string directory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "store.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"l_{Name}\"";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task ReopeningReadsTheSnapshotAndGivesTheSameResults()
    {
        using var dir = new TempDirectory();
        List<(int, double)>[] before;
        var (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            await FillAsync(collection, 3000);
            before = await ResultsAsync(collection);
        }
        Assert.True(File.Exists(SnapshotOf(dir.Path)), "closing the store wrote no snapshot");
        // The snapshot holds every logged change, so the log was cut.
        Assert.Equal(0, LogRows(dir.Path));

        (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            var index = await collection.IndexAsync();
            Assert.Equal(index.AppliedSequence, index.SnapshotSequence);
            // The graph came back whole: nothing to relink.
            Assert.Equal(0, index.Pending());
            var after = await ResultsAsync(collection);
            Assert.Equal(before.Length, after.Length);
            for (int i = 0; i < before.Length; i++)
            {
                Assert.Equal(before[i], after[i]);
            }
        }
    }

    [Fact]
    public async Task ChangesCommittedAfterTheSnapshotAreReplayedFromTheLog()
    {
        using var dir = new TempDirectory();
        Dictionary<int, Doc> live;
        var (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            live = await FillAsync(collection, 2000);
        }
        (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            // New records, new vectors for old ones, deletions: committed, then the process "dies" without saving.
            var added = Enumerable.Range(2001, 300).Select(i => Make(i)).ToList();
            var changed = Enumerable.Range(1, 200).Select(i => Make(i * 3, version: 1)).ToList();
            var deleted = Enumerable.Range(1, 150).Select(i => i * 7).ToList();
            await collection.UpsertAsync(added);
            await collection.UpsertAsync(changed);
            await collection.DeleteAsync(deleted);
            foreach (var doc in added.Concat(changed))
            {
                live[doc.Id] = doc;
            }
            foreach (var id in deleted)
            {
                live.Remove(id);
            }
            (await collection.IndexAsync()).Close(save: false);
        }
        Assert.True(LogRows(dir.Path) >= 650, "the changes after the snapshot are not in the log");

        (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            var index = await collection.IndexAsync();
            Assert.True(index.SnapshotSequence >= 0 && index.SnapshotSequence < index.AppliedSequence,
                $"expected the old snapshot plus a replay (snapshot {index.SnapshotSequence}, applied {index.AppliedSequence})");
            await collection.WaitForIndexAsync();
            await AssertMatchesBruteForceAsync(collection, live);
            Assert.Equal(live.Count, (await collection.GetAsync(d => true, int.MaxValue).ToListAsync()).Count);
        }
    }

    public static TheoryData<string> Damages() => ["truncated", "flipped byte in the vectors", "flipped byte in the header", "empty", "older than the log", "other incarnation"];

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task ADamagedOrStaleSnapshotIsIgnoredAndTheStructuresRebuilt(string damage)
    {
        using var dir = new TempDirectory();
        Dictionary<int, Doc> live;
        var (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            live = await FillAsync(collection, 1200);
        }
        var path = SnapshotOf(dir.Path);
        var bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "truncated":
                File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
                break;
            case "flipped byte in the vectors":
                bytes[bytes.Length / 3] ^= 0x40;
                File.WriteAllBytes(path, bytes);
                break;
            case "flipped byte in the header":
                bytes[5] ^= 0x01;
                File.WriteAllBytes(path, bytes);
                break;
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "older than the log":
            {
                // A newer snapshot cut the log past this one: replaying from it would miss changes.
                (store, collection) = await OpenAsync(dir.Path);
                using (store)
                using (collection)
                {
                    var extra = Enumerable.Range(5000, 100).Select(i => Make(i)).ToList();
                    await collection.UpsertAsync(extra);
                    await collection.DeleteAsync(Enumerable.Range(1, 50));
                    extra.ForEach(d => live[d.Id] = d);
                    Enumerable.Range(1, 50).ToList().ForEach(id => live.Remove(id));
                }
                File.WriteAllBytes(path, bytes);
                break;
            }
            case "other incarnation":
            {
                // The collection is deleted and made again under the same name: the old snapshot must not come back.
                File.Copy(path, path + ".keep");
                (store, collection) = await OpenAsync(dir.Path);
                using (store)
                using (collection)
                {
                    await collection.EnsureCollectionDeletedAsync();
                    Assert.False(File.Exists(path), "deleting the collection left its snapshot");
                    await collection.EnsureCollectionExistsAsync();
                    live = await FillAsync(collection, 40);
                    (await collection.IndexAsync()).Close(save: false);
                }
                File.Move(path + ".keep", path);
                break;
            }
        }
        (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            var index = await collection.IndexAsync();
            Assert.Equal(-1, index.SnapshotSequence);
            await collection.WaitForIndexAsync();
            await AssertMatchesBruteForceAsync(collection, live);
        }
    }

    [Fact]
    public async Task TheWorkerSavesSnapshotsAsChangesAccumulateAndALeftoverTemporaryIsRemoved()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "indexes"));
        var leftover = SnapshotOf(dir.Path) + ".12345.tmp";
        File.WriteAllText(leftover, "half a snapshot from a killed process");
        var (store, collection) = await OpenAsync(dir.Path);
        using (store)
        using (collection)
        {
            var index = await collection.IndexAsync();
            Assert.False(File.Exists(leftover), "the leftover temporary snapshot was not removed on open");
            index.SnapshotThreshold = 300;
            var docs = Enumerable.Range(1, 2000).Select(i => Make(i)).ToList();
            foreach (var batch in docs.Chunk(250))
            {
                await collection.UpsertAsync(batch);
            }
            await collection.WaitForIndexAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (index.SnapshotSequence < 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
            Assert.True(index.SnapshotSequence > 0, $"no snapshot was saved in the background ({index.LastSnapshotError?.Message})");
            Assert.True(File.Exists(SnapshotOf(dir.Path)));
            // The worker publishes the snapshot's sequence before it deletes the logged rows the snapshot holds (the
            // cut is housekeeping outside the index's lock), so the cut is awaited rather than expected at once.
            var rows = LogRows(dir.Path);
            while (rows >= 2000 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
                rows = LogRows(dir.Path);
            }
            Assert.True(rows < 2000, $"the log was not cut after a snapshot ({rows} rows; {index.LastSnapshotError?.Message})");
            Assert.Null(index.WorkerError);
        }
    }
}
