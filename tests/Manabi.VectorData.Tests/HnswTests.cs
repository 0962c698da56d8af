using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

/// <summary>IndexKind.Hnsw: recall against the exact answer, deletes as tombstones, compaction, filtered traversal.</summary>
public sealed class HnswTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public sealed class Item
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Bucket { get; set; }

        [VectorStoreVector(32, IndexKind = IndexKind.Hnsw, DistanceFunction = DistanceFunction.CosineSimilarity)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    // Clustered data (like embeddings): 40 centres, points scattered around them.
    private static List<Item> Items(int count, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 40).Select(_ => Hotel.RandomVector(random, 32)).ToArray();
        return Enumerable.Range(1, count).Select(i =>
        {
            var c = centres[random.Next(centres.Length)];
            return new Item { Id = i, Bucket = i % 100, Vector = c.Select(x => x + (float)(random.NextDouble() - 0.5) * 0.6f).ToArray() };
        }).ToList();
    }

    private static async Task<double> RecallAsync(VectorStoreCollection<int, Item> collection, IReadOnlyList<Item> live, Func<Item, bool>? filter,
        System.Linq.Expressions.Expression<Func<Item, bool>>? sqlFilter, int queries, int seed)
    {
        var random = new Random(seed);
        double found = 0, wanted = 0;
        for (int q = 0; q < queries; q++)
        {
            var query = live[random.Next(live.Count)].Vector.ToArray().Select(x => x + (float)(random.NextDouble() - 0.5) * 0.2f).ToArray();
            var exact = live.Where(filter ?? (_ => true)).OrderByDescending(i => FilterTests.Cosine(query, i.Vector.Span)).Take(10).Select(i => i.Id).ToHashSet();
            var approx = await collection.SearchAsync(query, 10, new() { Filter = sqlFilter }).ToListAsync();
            if (filter is not null)
            {
                Assert.All(approx, r => Assert.True(filter(r.Record), "a result outside the filter"));
            }
            found += approx.Count(r => exact.Contains(r.Record.Id));
            wanted += exact.Count;
        }
        return found / wanted;
    }

    [Fact]
    public async Task RecallDeletesCompactionAndFilteredTraversal()
    {
        using var dir = new TempDirectory();
        var items = Items(4000, seed: 5);
        using var store = new ManabiVectorStore(dir.Path);
        var collection = (ManabiCollection<int, Item>)store.GetCollection<int, Item>("items");
        await collection.EnsureCollectionExistsAsync();
        foreach (var batch in items.Chunk(500))
        {
            await collection.UpsertAsync(batch);
        }
        // Upserts return once durable; rows are linked in the background. Until then searches scan them exactly.
        await collection.WaitForIndexAsync();
        Assert.Equal(0, (await collection.IndexAsync()).Pending());
        var recall = await RecallAsync(collection, items, null, null, 50, seed: 1);
        Assert.True(recall >= 0.95, $"recall@10 {recall:F3} < 0.95");

        // Deletes are tombstones: never returned, and recall holds.
        var deleted = items.Where(i => i.Id % 5 == 0).Select(i => i.Id).ToList();
        await collection.DeleteAsync(deleted.Take(200));
        var tombstones = (await collection.TombstonesAsync())["Vector"];
        Assert.Equal(200, tombstones);
        await collection.DeleteAsync(deleted.Skip(200));
        var live = items.Where(i => i.Id % 5 != 0).ToList();
        var afterDeletes = await RecallAsync(collection, live, null, null, 50, seed: 2);
        Assert.True(afterDeletes >= 0.95, $"recall@10 after deletes {afterDeletes:F3}");
        var liveIds = live.Select(i => i.Id).ToHashSet();
        var all = await collection.SearchAsync(live[0].Vector, 100).ToListAsync();
        Assert.All(all, r => Assert.Contains(r.Record.Id, liveIds));

        // Compaction on demand drops the tombstones; results stay as good.
        await collection.CompactAsync();
        Assert.Equal(0, (await collection.TombstonesAsync())["Vector"]);
        await collection.WaitForIndexAsync();
        var afterCompaction = await RecallAsync(collection, live, null, null, 50, seed: 3);
        Assert.True(afterCompaction >= 0.95, $"recall@10 after compaction {afterCompaction:F3}");

        // Filters on a collection this small scan their candidates exactly (FilteredSearchPlan); the graph's filtered
        // walk is tested on a larger one below.
        var broad = await RecallAsync(collection, live, i => i.Bucket < 50, i => i.Bucket < 50, 50, seed: 4);
        Assert.True(broad >= 0.95, $"recall@10 with a 50 % filter {broad:F3}");
        var selective = await RecallAsync(collection, live, i => i.Bucket == 7, i => i.Bucket == 7, 30, seed: 5);
        output.WriteLine($"recall@10: {recall:F3}, after deletes {afterDeletes:F3}, after compaction {afterCompaction:F3}, 50 % filter {broad:F3}, 1 % filter {selective:F3}");
        Assert.Equal(1.0, selective);

        // Re-upserting moves a record: the old node becomes a tombstone, the new vector is found.
        var moved = new Item { Id = live[0].Id, Bucket = live[0].Bucket, Vector = live[1].Vector };
        await collection.UpsertAsync(moved);
        var top = await collection.SearchAsync(live[1].Vector, 2).ToListAsync();
        Assert.Equal(new[] { live[0].Id, live[1].Id }.Order(), top.Select(r => r.Record.Id).Order());
    }

    [Fact]
    public async Task A_broad_filter_walks_the_graph_and_finds_the_filtered_neighbours()
    {
        using var dir = new TempDirectory();
        var items = Items(12_000, seed: 21);
        using var store = new ManabiVectorStore(dir.Path);
        var collection = (ManabiCollection<int, Item>)store.GetCollection<int, Item>("items");
        await collection.EnsureCollectionExistsAsync();
        foreach (var batch in items.Chunk(2_000))
        {
            await collection.UpsertAsync(batch);
        }
        await collection.WaitForIndexAsync();
        // Deleted rows stay in the graph as tombstones: the walk passes through them and never returns them.
        await collection.DeleteAsync(items.Where(i => i.Id % 7 == 0).Select(i => i.Id));
        var live = items.Where(i => i.Id % 7 != 0).ToList();
        int broad = live.Count(i => i.Bucket < 50), wide = live.Count(i => i.Bucket < 40);
        // The premise: both filters keep enough rows that the plan walks the graph rather than scanning them.
        Assert.True(FilteredSearchPlan.For(live.Count, broad, 10, ManabiVectorStoreOptions.DefaultHnswEfSearch).Walk);
        Assert.True(FilteredSearchPlan.For(live.Count, wide, 10, ManabiVectorStoreOptions.DefaultHnswEfSearch).Walk);
        var half = await RecallAsync(collection, live, i => i.Bucket < 50, i => i.Bucket < 50, 50, seed: 22);
        var twoFifths = await RecallAsync(collection, live, i => i.Bucket < 40, i => i.Bucket < 40, 50, seed: 23);
        output.WriteLine($"filtered walk recall@10: 50 % filter {half:F3}, 40 % filter {twoFifths:F3}");
        Assert.True(half >= 0.95, $"recall@10 with a 50 % filter {half:F3}");
        Assert.True(twoFifths >= 0.95, $"recall@10 with a 40 % filter {twoFifths:F3}");
    }

    [Fact]
    public async Task TheGraphIsRebuiltFromSqliteOnReopen()
    {
        using var dir = new TempDirectory();
        var items = Items(1500, seed: 9);
        using (var store = new ManabiVectorStore(dir.Path))
        using (var collection = store.GetCollection<int, Item>("items"))
        {
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(items);
            await collection.DeleteAsync(Enumerable.Range(1, 100));
        }
        using (var store = new ManabiVectorStore(dir.Path))
        using (var collection = store.GetCollection<int, Item>("items"))
        {
            var live = items.Skip(100).ToList();
            var recall = await RecallAsync(collection, live, null, null, 40, seed: 6);
            Assert.True(recall >= 0.95, $"recall@10 after reopening {recall:F3}");
        }
    }
    [Fact]
    public async Task HnswEfSearch_trades_recall_for_work_up_to_the_exact_answer()
    {
        using var dir = new TempDirectory();
        // Unclustered vectors: the hardest case for a graph, so a narrow search visibly misses neighbours.
        var random = new Random(12);
        var items = Enumerable.Range(1, 3000).Select(i => new Item { Id = i, Bucket = i % 100, Vector = Hotel.RandomVector(random, 32) }).ToList();
        using (var writer = new ManabiCollection<int, Item>(dir.Path, "items"))
        {
            await writer.EnsureCollectionExistsAsync();
            await writer.UpsertAsync(items);
            await writer.WaitForIndexAsync();
        }
        // Queries drawn afresh, not near stored items: their neighbours are far apart in the graph.
        var queryRandom = new Random(13);
        var queries = Enumerable.Range(0, 60).Select(_ => Hotel.RandomVector(queryRandom, 32)).ToArray();
        async Task<double> RecallOfAsync(VectorStoreCollection<int, Item> collection)
        {
            double found = 0;
            foreach (var query in queries)
            {
                var exact = items.OrderByDescending(i => FilterTests.Cosine(query, i.Vector.Span)).Take(10).Select(i => i.Id).ToHashSet();
                found += (await collection.SearchAsync(query, 10).ToListAsync()).Count(r => exact.Contains(r.Record.Id));
            }
            return found / (10.0 * queries.Length);
        }
        async Task<double> RecallWithAsync(int ef)
        {
            using var collection = new ManabiCollection<int, Item>(dir.Path, "items", new ManabiCollectionOptions { HnswEfSearch = ef });
            return await RecallOfAsync(collection);
        }
        double narrow = await RecallWithAsync(10);
        double standard = await RecallWithAsync(ManabiVectorStoreOptions.DefaultHnswEfSearch);
        double everything = await RecallWithAsync(items.Count);
        output.WriteLine($"recall@10: ef 10 {narrow:F3}, ef 128 {standard:F3}, ef {items.Count} {everything:F3}");
        Assert.True(narrow < standard, $"ef 10 ({narrow:F3}) should find fewer true neighbours than ef 128 ({standard:F3})");
        // A breadth as large as the collection walks the whole connected graph: the exact answer.
        Assert.Equal(1.0, everything);

        // The store-level setting reaches the collections the store hands out.
        using var store = new ManabiVectorStore(dir.Path, new ManabiVectorStoreOptions { HnswEfSearch = items.Count });
        Assert.Equal(1.0, await RecallOfAsync(store.GetCollection<int, Item>("items")));
    }

    [Fact]
    public void HnswEfSearch_must_be_positive_and_is_copied()
    {
        Assert.Equal(128, new ManabiCollectionOptions().HnswEfSearch);
        Assert.Equal("HnswEfSearch", Assert.Throws<ArgumentOutOfRangeException>(() => new ManabiCollectionOptions { HnswEfSearch = 0 }).ParamName);
        Assert.Equal("HnswEfSearch", Assert.Throws<ArgumentOutOfRangeException>(() => new ManabiVectorStoreOptions { HnswEfSearch = -5 }).ParamName);
        Assert.Equal(40, new ManabiCollectionOptions(new ManabiCollectionOptions { HnswEfSearch = 40 }).HnswEfSearch);
    }
}
