using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

/// <summary>A filter's row ids are reused between searches only while nothing changed: every write shows at once.</summary>
public sealed class FilterCacheTests
{
    public sealed class Doc
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public int Bucket { get; set; }

        [VectorStoreVector(8, IndexKind = IndexKind.Flat)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    private static float[] VectorOf(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 8).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    [Fact]
    public async Task RepeatedFiltersSeeEveryInsertUpdateAndDelete()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        var collection = store.GetCollection<int, Doc>("docs");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(Enumerable.Range(1, 100).Select(i => new Doc { Id = i, Bucket = i % 10, Vector = VectorOf(i) }));
        var query = VectorOf(5000);
        int bucket = 3;
        async Task<List<int>> SearchAsync() =>
            (await collection.SearchAsync(query, 5, new() { Filter = d => d.Bucket == bucket }).ToListAsync()).Select(r => r.Record.Id).ToList();

        var first = await SearchAsync();
        Assert.All(first, id => Assert.Equal(3, id % 10));
        Assert.Equal(first, await SearchAsync());

        // A new matching record equal to the query comes first.
        await collection.UpsertAsync(new Doc { Id = 1000, Bucket = 3, Vector = query });
        Assert.Equal(1000, (await SearchAsync())[0]);

        // Moved out of the filter by an update: gone from the filtered results.
        await collection.UpsertAsync(new Doc { Id = 1000, Bucket = 4, Vector = query });
        Assert.DoesNotContain(1000, await SearchAsync());

        // A captured variable's new value is a different filter.
        bucket = 4;
        Assert.Equal(1000, (await SearchAsync())[0]);

        await collection.DeleteAsync(1000);
        Assert.DoesNotContain(1000, await SearchAsync());
        bucket = 3;
        Assert.Equal(first, await SearchAsync());
    }
}
