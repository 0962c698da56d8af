using Manabi.VectorData;
using Microsoft.Extensions.VectorData;

namespace Manabi.SentenceTransformers.Tests;

/// <summary>The durable vector store with the default Sentence-BERT model as its embedding generator.</summary>
public sealed class VectorDataEndToEndTests
{
    public sealed class Passage
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData(IsIndexed = true)]
        public string Topic { get; set; } = "";

        [VectorStoreData]
        public string Text
        {
            get => _text;
            set => _text = Embedding = value;
        }

        // Embedded by the store's generator on upsert (384 = all-MiniLM-L6-v2).
        [VectorStoreVector(384)]
        public string? Embedding { get; set; }

        private string _text = "";
    }

    [Fact]
    public async Task Upserted_texts_are_found_by_meaning_and_filter()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-vdata-e2e-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var encoder = DefaultSentenceModel.Load();
            using (var store = new ManabiVectorStore(folder, new() { EmbeddingGenerator = encoder }))
            using (var passages = store.GetCollection<int, Passage>("passages"))
            {
                await passages.EnsureCollectionExistsAsync();
                await passages.UpsertAsync(
                [
                    new Passage { Id = 1, Topic = "pets", Text = "The cat is sleeping on the sofa." },
                    new Passage { Id = 2, Topic = "finance", Text = "Stock markets fell sharply after the announcement." },
                    new Passage { Id = 3, Topic = "weather", Text = "Heavy rain and strong winds are expected tomorrow." },
                    new Passage { Id = 4, Topic = "pets", Text = "Dogs love to play fetch in the park." },
                    new Passage { Id = 5, Topic = "cooking", Text = "Simmer the tomato sauce for twenty minutes." },
                ]);
            }
            // Reopened: the vectors come back from SQLite, only the query is embedded.
            using (var store = new ManabiVectorStore(folder, new() { EmbeddingGenerator = encoder }))
            using (var passages = store.GetCollection<int, Passage>("passages"))
            {
                var hits = new List<VectorSearchResult<Passage>>();
                await foreach (var hit in passages.SearchAsync("a kitten napping on the couch", 2))
                {
                    hits.Add(hit);
                }
                Assert.Equal(1, hits[0].Record.Id);
                Assert.True(hits[0].Score > hits[1].Score);
                var filtered = new List<int>();
                await foreach (var hit in passages.SearchAsync("it will storm", 3, new() { Filter = p => p.Topic != "weather" }))
                {
                    filtered.Add(hit.Record.Id);
                }
                Assert.Equal(3, filtered.Count);
                Assert.DoesNotContain(3, filtered);
                var storm = new List<int>();
                await foreach (var hit in passages.SearchAsync("it will storm", 1))
                {
                    storm.Add(hit.Record.Id);
                }
                Assert.Equal([3], storm);
            }
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
