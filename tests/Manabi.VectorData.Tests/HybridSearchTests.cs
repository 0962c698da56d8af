using Microsoft.Extensions.VectorData;

namespace Manabi.VectorData.Tests;

public sealed class HybridSearchTests
{
    public sealed class Doc
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsFullTextIndexed = true)]
        public string Text { get; set; } = "";

        [VectorStoreData(IsIndexed = true)]
        public string Lang { get; set; } = "en";

        [VectorStoreVector(8)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    private static List<Doc> Docs()
    {
        var random = new Random(3);
        string[] words = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta"];
        var docs = Enumerable.Range(1, 60).Select(i => new Doc
        {
            Id = i,
            Text = string.Join(' ', Enumerable.Range(0, 5).Select(_ => words[random.Next(words.Length)])),
            Lang = i % 2 == 0 ? "en" : "fr",
            Vector = Hotel.RandomVector(random, 8),
        }).ToList();
        docs[9].Text = "the rare word zebra appears here";      // id 10, en
        docs[20].Text = "zebra zebra and a refund";              // id 21, fr
        return docs;
    }

    [Fact]
    public async Task KeywordsAndVectorsAreFusedByReciprocalRank()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        var docs = Docs();
        var collection = (ManabiCollection<int, Doc>)store.GetCollection<int, Doc>("docs");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(docs);
        var query = docs[40].Vector; // id 41 is the nearest vector
        var hybrid = await collection.HybridSearchAsync(query, ["zebra"], 3).ToListAsync();
        var ids = hybrid.Select(r => r.Record.Id).ToList();
        // Id 41 tops the vector list; ids 10 and 21 are the only keyword matches: all three lead the fusion.
        Assert.Equal(new[] { 10, 21, 41 }, ids.Order());
        Assert.All(hybrid, r => Assert.InRange(r.Score!.Value, 1.0 / 62, 2.0 / 61));

        // A filter applies to both lists; skip pages through the fused ranking.
        var english = await collection.HybridSearchAsync(query, ["zebra"], 5, new() { Filter = d => d.Lang == "en" }).ToListAsync();
        Assert.All(english, r => Assert.Equal("en", r.Record.Lang));
        Assert.Contains(english, r => r.Record.Id == 10);
        Assert.DoesNotContain(english, r => r.Record.Id == 21);
        var second = await collection.HybridSearchAsync(query, ["zebra"], 2, new() { Skip = 1 }).ToListAsync();
        Assert.Equal(ids.Skip(1).Take(2), second.Select(r => r.Record.Id));

        // Deleted and re-upserted texts leave the keyword index too.
        await collection.DeleteAsync(10);
        var changed = docs[20];
        changed.Text = "nothing rare anymore";
        await collection.UpsertAsync(changed);
        var after = await collection.HybridSearchAsync(docs[5].Vector, ["zebra"], 3).ToListAsync();
        Assert.DoesNotContain(after, r => r.Record.Id is 10 or 21);
        Assert.Equal(6, after[0].Record.Id);
    }

    [Fact]
    public async Task ACollectionWithoutFullTextPropertiesCannotHybridSearch()
    {
        using var dir = new TempDirectory();
        using var store = new ManabiVectorStore(dir.Path);
        var points = (ManabiCollection<long, SearchTests.Point>)store.GetCollection<long, SearchTests.Point>("points");
        await points.EnsureCollectionExistsAsync();
        await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await points.HybridSearchAsync(new float[16], ["x"], 1).ToListAsync());
    }
}
