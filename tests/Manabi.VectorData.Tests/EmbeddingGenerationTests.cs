using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

public sealed class EmbeddingGenerationTests
{
    public sealed class Note
    {
        [VectorStoreKey]
        public string Id { get; set; } = "";

        [VectorStoreData]
        public string Text { get; set; } = "";

        // A string vector property: the store embeds it with the configured generator.
        [VectorStoreVector(8)]
        public string? Embedding { get; set; }
    }

    private static List<Note> Notes() =>
        new[] { "the cat sat on the mat", "dogs bark at night", "a quiet lake at dawn", "stock prices fell", "the cat chased a mouse" }
            .Select((t, i) => new Note { Id = "n" + i, Text = t, Embedding = t }).ToList();

    private static async Task AssertSearchFindsAsync(VectorStoreCollection<string, Note> notes, float sign)
    {
        var top = await notes.SearchAsync("the cat sat on the mat", 1).ToListAsync();
        Assert.Equal("n0", top[0].Record.Id);
        Assert.Equal(1.0, top[0].Score!.Value, 1e-5);
        // The stored vector is the generator's output (checked through a raw-vector search).
        var raw = await notes.SearchAsync(CountingGenerator.Embed("stock prices fell", 8, sign), 1).ToListAsync();
        Assert.Equal("n3", raw[0].Record.Id);
        Assert.Equal(1.0, raw[0].Score!.Value, 1e-5);
    }

    [Fact]
    public async Task StoreLevelGeneratorEmbedsEachUpsertBatchInOneCall()
    {
        using var dir = new TempDirectory();
        var generator = new CountingGenerator(8);
        using var store = new ManabiVectorStore(dir.Path, new() { EmbeddingGenerator = generator });
        using var notes = store.GetCollection<string, Note>("notes");
        await notes.EnsureCollectionExistsAsync();
        await notes.UpsertAsync(Notes());
        Assert.Equal(1, generator.Calls);
        Assert.Equal(5, generator.Values);
        await AssertSearchFindsAsync(notes, 1f);
        Assert.Equal(2, generator.Calls); // the string search value
    }

    [Fact]
    public async Task CollectionLevelGeneratorWinsOverTheStore()
    {
        using var dir = new TempDirectory();
        var storeGenerator = new CountingGenerator(8);
        var collectionGenerator = new CountingGenerator(8, sign: -1f);
        using var notes = new ManabiCollection<string, Note>(dir.Path, "notes", new() { EmbeddingGenerator = collectionGenerator });
        await notes.EnsureCollectionExistsAsync();
        await notes.UpsertAsync(Notes());
        Assert.Equal(1, collectionGenerator.Calls);
        Assert.Equal(0, storeGenerator.Calls);
        await AssertSearchFindsAsync(notes, -1f);
    }

    [Fact]
    public async Task PropertyLevelGeneratorWinsOverCollectionAndStore()
    {
        using var dir = new TempDirectory();
        var storeGenerator = new CountingGenerator(8);
        var collectionGenerator = new CountingGenerator(8);
        var propertyGenerator = new CountingGenerator(8, sign: -1f);
        using var store = new ManabiVectorStore(dir.Path, new() { EmbeddingGenerator = storeGenerator });
        var definition = new VectorStoreCollectionDefinition
        {
            EmbeddingGenerator = collectionGenerator,
            Properties =
            [
                new VectorStoreKeyProperty(nameof(Note.Id), typeof(string)),
                new VectorStoreDataProperty(nameof(Note.Text), typeof(string)),
                new VectorStoreVectorProperty(nameof(Note.Embedding), typeof(string), 8) { EmbeddingGenerator = propertyGenerator },
            ],
        };
        using var notes = store.GetCollection<string, Note>("notes", definition);
        await notes.EnsureCollectionExistsAsync();
        await notes.UpsertAsync(Notes());
        Assert.Equal(1, propertyGenerator.Calls);
        Assert.Equal(0, collectionGenerator.Calls + storeGenerator.Calls);
        await AssertSearchFindsAsync(notes, -1f);
    }

    [Fact]
    public async Task AGeneratorAlsoEmbedsSearchTextForNativeVectorProperties()
    {
        using var dir = new TempDirectory();
        var generator = new CountingGenerator(16);
        using var store = new ManabiVectorStore(dir.Path, new() { EmbeddingGenerator = generator });
        using var points = store.GetCollection<long, SearchTests.Point>("points");
        await points.EnsureCollectionExistsAsync();
        await points.UpsertAsync(new SearchTests.Point { Id = 1, Vector = CountingGenerator.Embed("hello", 16) });
        await points.UpsertAsync(new SearchTests.Point { Id = 2, Vector = CountingGenerator.Embed("zzzz zz", 16) });
        Assert.Equal(0, generator.Calls); // vectors given: nothing to embed on upsert
        var top = await points.SearchAsync("hello", 1, new() { IncludeVectors = true }).ToListAsync();
        Assert.Equal(1, top[0].Record.Id);
    }

    [Fact]
    public async Task MandatedErrors()
    {
        using var dir = new TempDirectory();
        // A string vector property with no generator anywhere cannot be stored.
        using (var store = new ManabiVectorStore(dir.Path))
        {
            Assert.ThrowsAny<Exception>(() => store.GetCollection<string, Note>("notes"));
        }
        using (var store = new ManabiVectorStore(dir.Path, new() { EmbeddingGenerator = new CountingGenerator(8) }))
        using (var notes = store.GetCollection<string, Note>("notes"))
        {
            await notes.EnsureCollectionExistsAsync();
            await notes.UpsertAsync(Notes());
            // The source text is not kept as a vector: IncludeVectors cannot be honoured.
            await Assert.ThrowsAsync<NotSupportedException>(async () => await notes.SearchAsync("cat", 1, new() { IncludeVectors = true }).ToListAsync());
            await Assert.ThrowsAsync<NotSupportedException>(() => notes.GetAsync("n1", new() { IncludeVectors = true }));
            await Assert.ThrowsAsync<NotSupportedException>(async () => await notes.GetAsync(n => true, 5, new() { IncludeVectors = true }).ToListAsync());
            Assert.NotNull(await notes.GetAsync("n1"));
        }
        // A generator of the wrong width is caught on upsert, naming the property.
        using (var store = new ManabiVectorStore(dir.Path, new() { EmbeddingGenerator = new CountingGenerator(5) }))
        using (var notes = store.GetCollection<string, Note>("notes"))
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => notes.UpsertAsync(Notes()));
            Assert.Contains("Embedding", error.Message, StringComparison.Ordinal);
        }
    }
}
