using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

public sealed class CrudTests
{
    private static readonly VectorSearchOptions<Hotel> ByEmbedding = new() { VectorProperty = h => h.Embedding };

    private static async Task<(TempDirectory Dir, ManabiVectorStore Store, VectorStoreCollection<int, Hotel> Hotels)> OpenAsync()
    {
        var dir = new TempDirectory();
        var store = new ManabiVectorStore(dir.Path);
        var hotels = store.GetCollection<int, Hotel>("hotels");
        await hotels.EnsureCollectionExistsAsync();
        return (dir, store, hotels);
    }

    private static void AssertSame(Hotel expected, Hotel? actual, bool vectors)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.Rating, actual.Rating);
        Assert.Equal(expected.Price, actual.Price);
        Assert.Equal(expected.Open, actual.Open);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Amenities, actual.Amenities);
        Assert.Equal(expected.Built, actual.Built);
        Assert.Equal(expected.Built.Kind, actual.Built.Kind);
        Assert.Equal(expected.Renovated, actual.Renovated);
        Assert.Equal(expected.Renovated?.Offset, actual.Renovated?.Offset);
        Assert.Equal(expected.Code, actual.Code);
        if (vectors)
        {
            Assert.Equal(expected.Embedding?.ToArray(), actual.Embedding?.ToArray());
            Assert.Equal(expected.Location, actual.Location);
        }
        else
        {
            Assert.Null(actual.Embedding);
            Assert.Null(actual.Location);
        }
    }

    [Fact]
    public async Task UpsertThenGetByKeyReturnsEveryFieldWithAndWithoutVectors()
    {
        var (dir, store, hotels) = await OpenAsync();
        using (dir)
        using (store)
        using (hotels)
        {
            var records = Hotel.Make(20);
            await hotels.UpsertAsync(records);
            foreach (var record in records)
            {
                AssertSame(record, await hotels.GetAsync(record.Id, new() { IncludeVectors = true }), vectors: true);
                AssertSame(record, await hotels.GetAsync(record.Id), vectors: false);
            }
        }
    }

    [Fact]
    public async Task MissingKeysGiveNullAndAreLeftOutOfBatchGets()
    {
        var (dir, store, hotels) = await OpenAsync();
        using (dir)
        using (store)
        using (hotels)
        {
            await hotels.UpsertAsync(Hotel.Make(5));
            Assert.Null(await hotels.GetAsync(99));
            var got = await hotels.GetAsync([1, 99, 3, 100]).ToListAsync();
            Assert.Equal([1, 3], got.Select(h => h.Id).Order());
            await hotels.DeleteAsync(99); // deleting a missing key is not an error
        }
    }

    [Fact]
    public async Task ReUpsertReplacesTheRecordAndItsVector()
    {
        var (dir, store, hotels) = await OpenAsync();
        using (dir)
        using (store)
        using (hotels)
        {
            var records = Hotel.Make(10);
            await hotels.UpsertAsync(records);
            var changed = Hotel.Make(1, seed: 42)[0];
            changed.Id = 3;
            changed.Name = "Renamed";
            await hotels.UpsertAsync(changed);
            AssertSame(changed, await hotels.GetAsync(3, new() { IncludeVectors = true }), vectors: true);
            var top = await hotels.SearchAsync(changed.Embedding!.Value, 1, ByEmbedding).ToListAsync();
            Assert.Equal(3, top[0].Record.Id);
            Assert.Equal(1.0, top[0].Score!.Value, 1e-5);
            Assert.Equal(10, (await hotels.GetAsync(h => true, 100).ToListAsync()).Count);
        }
    }

    [Fact]
    public async Task DeleteRemovesRecordsFromGetsAndSearch()
    {
        var (dir, store, hotels) = await OpenAsync();
        using (dir)
        using (store)
        using (hotels)
        {
            var records = Hotel.Make(30);
            await hotels.UpsertAsync(records);
            await hotels.DeleteAsync([2, 4, 6]);
            await hotels.DeleteAsync(8);
            Assert.Null(await hotels.GetAsync(2));
            Assert.Null(await hotels.GetAsync(8));
            var results = await hotels.SearchAsync(records[1].Embedding!.Value, 30, ByEmbedding).ToListAsync();
            Assert.Equal(26, results.Count);
            Assert.DoesNotContain(results, r => r.Record.Id is 2 or 4 or 6 or 8);
        }
    }

    [Fact]
    public async Task RecordsAndSearchSurviveReopening()
    {
        using var dir = new TempDirectory();
        var records = Hotel.Make(40);
        var query = records[5].Embedding!.Value;
        List<int> before;
        using (var store = new ManabiVectorStore(dir.Path))
        using (var hotels = store.GetCollection<int, Hotel>("hotels"))
        {
            await hotels.EnsureCollectionExistsAsync();
            await hotels.UpsertAsync(records);
            await hotels.DeleteAsync(7);
            before = (await hotels.SearchAsync(query, 10, ByEmbedding).ToListAsync()).Select(r => r.Record.Id).ToList();
        }
        using (var store = new ManabiVectorStore(dir.Path))
        using (var hotels = store.GetCollection<int, Hotel>("hotels"))
        {
            var after = (await hotels.SearchAsync(query, 10, ByEmbedding).ToListAsync()).Select(r => r.Record.Id).ToList();
            Assert.Equal(before, after);
            Assert.Null(await hotels.GetAsync(7));
            AssertSame(records[10], await hotels.GetAsync(11, new() { IncludeVectors = true }), vectors: true);
        }
    }

    [Fact]
    public async Task AFailedBatchLeavesNothingBehind()
    {
        var (dir, store, hotels) = await OpenAsync();
        using (dir)
        using (store)
        using (hotels)
        {
            var records = Hotel.Make(5);
            records[3].Embedding = new float[5]; // wrong width: the whole batch is refused
            var error = await Assert.ThrowsAsync<ArgumentException>(() => hotels.UpsertAsync(records));
            Assert.Contains("Embedding", error.Message, StringComparison.Ordinal);
            Assert.Contains("5 dimensions", error.Message, StringComparison.Ordinal);
            Assert.Empty(await hotels.GetAsync(h => true, 10).ToListAsync());
        }
    }

    [Fact]
    public async Task GetByFilterOrdersSkipsAndLimits()
    {
        var (dir, store, hotels) = await OpenAsync();
        using (dir)
        using (store)
        using (hotels)
        {
            var records = Hotel.Make(50);
            await hotels.UpsertAsync(records);
            var expected = records.Where(h => h.Rating >= 2).OrderByDescending(h => h.Rating).ThenBy(h => h.Built).Skip(3).Take(10).Select(h => h.Id).ToList();
            var actual = await hotels.GetAsync(h => h.Rating >= 2, 10, new()
            {
                Skip = 3,
                OrderBy = o => o.Descending(h => h.Rating).Ascending(h => h.Built),
            }).ToListAsync();
            Assert.Equal(expected, actual.Select(h => h.Id).ToList());
            var byKey = await hotels.GetAsync(h => h.Id > 40, 100, new() { OrderBy = o => o.Descending(h => h.Id) }).ToListAsync();
            Assert.Equal(Enumerable.Range(41, 10).Reverse(), byKey.Select(h => h.Id));
        }
    }

    [Fact]
    public async Task OperationsOnAMissingCollectionSayWhichCollection()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var hotels = store.GetCollection<int, Hotel>("nowhere");
        var error = await Assert.ThrowsAsync<VectorStoreException>(() => hotels.UpsertAsync(Hotel.Make(1)));
        Assert.Contains("'nowhere' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal("nowhere", error.CollectionName);
        Assert.Equal("manabi", error.VectorStoreSystemName);
        await Assert.ThrowsAsync<VectorStoreException>(() => hotels.GetAsync(1));
    }

    [Fact]
    public async Task BadArgumentsAreRefused()
    {
        var (dir, store, hotels) = await OpenAsync();
        using (dir)
        using (store)
        using (hotels)
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await hotels.SearchAsync(new float[8], 0, ByEmbedding).ToListAsync());
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await hotels.GetAsync(h => true, 0).ToListAsync());
            await Assert.ThrowsAsync<ArgumentException>(async () => await hotels.SearchAsync(new float[3], 1, ByEmbedding).ToListAsync());
            Assert.Throws<ArgumentException>(() => store.GetCollection<int, Hotel>("bad name!"));
            // Two vector properties: a search must say which one.
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await hotels.SearchAsync(new float[8], 1).ToListAsync());
        }
    }
}
