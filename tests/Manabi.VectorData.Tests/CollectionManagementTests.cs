using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

public sealed class CollectionManagementTests
{
    [Fact]
    public async Task CreateExistsListAndDelete()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        Assert.Empty(await store.ListCollectionNamesAsync().ToListAsync());
        using var b = store.GetCollection<int, Hotel>("b");
        using var a = store.GetCollection<long, SearchTests.Point>("a");
        Assert.False(await b.CollectionExistsAsync());
        await b.EnsureCollectionExistsAsync();
        await b.EnsureCollectionExistsAsync(); // idempotent
        await a.EnsureCollectionExistsAsync();
        Assert.True(await b.CollectionExistsAsync());
        Assert.True(await store.CollectionExistsAsync("a"));
        Assert.Equal(["a", "b"], await store.ListCollectionNamesAsync().ToListAsync());
        await b.UpsertAsync(Hotel.Make(3));
        await store.EnsureCollectionDeletedAsync("b");
        Assert.False(await b.CollectionExistsAsync());
        await b.EnsureCollectionDeletedAsync(); // deleting a missing collection is not an error
        Assert.Equal(["a"], await store.ListCollectionNamesAsync().ToListAsync());
        // Re-created empty, with no stale vectors left in the search structures.
        await b.EnsureCollectionExistsAsync();
        Assert.Empty(await b.SearchAsync(new float[8], 5, new() { VectorProperty = h => h.Embedding }).ToListAsync());
        await a.EnsureCollectionDeletedAsync();
        Assert.False(await store.CollectionExistsAsync("a"));
    }

    [Fact]
    public async Task ACollectionReopenedWithADifferentSchemaIsAClearError()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        using var hotels = store.GetCollection<int, Hotel>("things");
        await hotels.EnsureCollectionExistsAsync();
        using var points = store.GetCollection<long, SearchTests.Point>("things");
        var error = await Assert.ThrowsAsync<VectorStoreException>(() => points.EnsureCollectionExistsAsync());
        Assert.Contains("different schema", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InfoCountsRecordsAndDeleteRemovesTheStoreOnlyWhenClosed()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "store");
        Assert.False(ManabiVectorStore.Exists(path));
        using (var store = new ManabiVectorStore(path))
        {
            using var hotels = store.GetCollection<int, Hotel>("hotels");
            await hotels.EnsureCollectionExistsAsync();
            await hotels.UpsertAsync(Hotel.Make(12));
            using var points = store.GetCollection<long, SearchTests.Point>("points");
            await points.EnsureCollectionExistsAsync();
            var info = await store.GetCollectionInfoAsync();
            Assert.Equal(["hotels", "points"], info.Select(i => i.Name));
            Assert.Equal([12L, 0L], info.Select(i => i.Count));
            Assert.Contains("\"Rating\"", info[0].Schema, StringComparison.Ordinal);
            Assert.True(ManabiVectorStore.Exists(path));
            var refused = Assert.Throws<VectorStoreException>(() => ManabiVectorStore.Delete(path));
            Assert.Contains("open in this process", refused.Message, StringComparison.Ordinal);
        }
        ManabiVectorStore.Delete(path);
        Assert.False(Directory.Exists(path));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("foreign-sqlite")]
    public void A_store_db_that_is_not_a_Manabi_store_is_neither_opened_nor_deleted_and_nothing_is_left(string kind)
    {
        using var dir = new TempDirectory();
        string db = System.IO.Path.Combine(dir.Path, "store.db");
        if (kind == "garbage")
        {
            File.WriteAllBytes(db, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37 + 11))]);
        }
        else
        {
            // Another application's SQLite database: it must not gain the store's tables.
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');";
            command.ExecuteNonQuery();
        }
        byte[] before = File.ReadAllBytes(db);
        var open = Assert.Throws<VectorStoreException>(() => new ManabiVectorStore(dir.Path));
        Assert.Contains(db, open.Message, StringComparison.Ordinal);
        var delete = Assert.Throws<VectorStoreException>(() => ManabiVectorStore.Delete(dir.Path));
        Assert.Contains("nothing was deleted", delete.Message, StringComparison.Ordinal);
        Assert.Equal(["store.db"], Directory.GetFiles(dir.Path).Select(System.IO.Path.GetFileName));
        Assert.Equal(before, File.ReadAllBytes(db));
    }

    [Fact]
    public void MetadataAndServices()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        var storeMetadata = (VectorStoreMetadata)store.GetService(typeof(VectorStoreMetadata))!;
        Assert.Equal("manabi", storeMetadata.VectorStoreSystemName);
        Assert.Equal(store.Directory, storeMetadata.VectorStoreName);
        Assert.Same(store, store.GetService(typeof(ManabiVectorStore)));
        Assert.Null(store.GetService(typeof(string)));
        using var hotels = store.GetCollection<int, Hotel>("hotels");
        var metadata = (VectorStoreCollectionMetadata)hotels.GetService(typeof(VectorStoreCollectionMetadata))!;
        Assert.Equal("hotels", metadata.CollectionName);
        Assert.Equal("manabi", metadata.VectorStoreSystemName);
        Assert.Throws<NotSupportedException>(() => store.GetCollection<object, Dictionary<string, object?>>("dyn"));
    }

    [Fact]
    public async Task DependencyInjectionRegistersStoresAndCollections()
    {
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        var services = new ServiceCollection();
        services.AddManabiVectorStore(dir.Path);
        services.AddKeyedManabiVectorStore("other", other.Path);
        services.AddManabiCollection<int, Hotel>("hotels", dir.Path);
        services.AddKeyedManabiCollection<long, SearchTests.Point>("pts", "points", other.Path);
        // Registered after the store: resolved only when the store is, so the order does not matter.
        var generator = new CountingGenerator(16);
        services.AddSingleton<IEmbeddingGenerator>(generator);
        using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<VectorStore>();
            Assert.IsType<ManabiVectorStore>(store);
            Assert.Same(store, provider.GetRequiredService<ManabiVectorStore>());
            var keyed = provider.GetRequiredKeyedService<VectorStore>("other");
            Assert.NotSame(store, keyed);
            Assert.Equal(Path.GetFullPath(other.Path), ((ManabiVectorStore)keyed).Directory);

            var hotels = provider.GetRequiredService<VectorStoreCollection<int, Hotel>>();
            Assert.Same(hotels, provider.GetRequiredService<IVectorSearchable<Hotel>>());
            await hotels.EnsureCollectionExistsAsync();
            await hotels.UpsertAsync(Hotel.Make(4));
            // The store and the collection share the directory's database within the process.
            Assert.True(await store.CollectionExistsAsync("hotels"));

            var points = provider.GetRequiredKeyedService<VectorStoreCollection<long, SearchTests.Point>>("pts");
            await points.EnsureCollectionExistsAsync();
            await points.UpsertAsync(new SearchTests.Point { Id = 1, Vector = CountingGenerator.Embed("hello", 16) });
            var top = await points.SearchAsync("hello", 1).ToListAsync();
            Assert.Equal(1, top[0].Record.Id);
            Assert.Equal(1, generator.Calls); // the container's generator, resolved lazily
        }
        // Disposing the container released the directories: they open again (the lock is gone).
        using var reopened = new ManabiVectorStore(dir.Path);
        Assert.True(await reopened.CollectionExistsAsync("hotels"));
    }
}
