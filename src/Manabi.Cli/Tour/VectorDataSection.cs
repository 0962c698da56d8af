using System.Diagnostics;
using System.Globalization;
using Manabi.Cli.Reporting;
using Manabi.SentenceTransformers;
using Manabi.VectorData;
using Microsoft.Extensions.VectorData;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for Manabi.VectorData: a few hundred sentences go into a durable store with the embedded model as
/// its embedding generator, then a plain, a filtered and a hybrid (keywords + meaning) query show what comes back.
/// </summary>
public sealed class VectorDataSection : ITourSection
{
    private static readonly (string Topic, string[] Subjects, string[] Predicates)[] Topics =
    [
        ("music", ["The band", "A young pianist", "The orchestra", "Our drummer", "The singer", "A street guitarist", "The choir", "The DJ"],
            ["played a new song to a cheering crowd.", "rehearsed for the concert all night.", "recorded an album in a small studio.", "tuned the instruments before the show.", "performed an encore after midnight.", "sang a quiet ballad.", "opened the summer festival.", "released a jazz record."]),
        ("food", ["The chef", "My grandmother", "A street vendor", "The baker", "Our cook", "The new restaurant", "A food critic", "The kitchen team"],
            ["sliced onions for the soup.", "baked fresh bread at dawn.", "grilled vegetables over charcoal.", "served a spicy noodle dish.", "simmered tomato sauce for hours.", "prepared dinner for twelve guests.", "tasted the new dessert.", "roasted a chicken with herbs."]),
        ("finance", ["The central bank", "Stock markets", "The finance minister", "Investors", "The bond market", "A large bank", "Consumer prices", "The currency"],
            ["raised interest rates again.", "fell sharply after the announcement.", "warned about rising inflation.", "moved money into gold.", "reacted to the budget deficit.", "reported record quarterly profits.", "climbed faster than wages.", "weakened against the dollar."]),
        ("football", ["The striker", "The goalkeeper", "The home team", "The coach", "The captain", "A young winger", "The referee", "The defender"],
            ["scored twice in the second half.", "saved a penalty in the final minute.", "won the league on the last day.", "changed tactics at half time.", "lifted the cup in front of the fans.", "crossed the ball into the box.", "showed a red card after the foul.", "cleared the ball off the line."]),
        ("machine learning", ["The neural network", "A transformer model", "The training run", "Our classifier", "The embedding model", "A language model", "The optimizer", "The research team"],
            ["learned representations from raw data.", "attended to every token in the sentence.", "converged after ten epochs.", "overfit the small dataset.", "mapped sentences to vectors.", "generated fluent text.", "lowered the learning rate.", "published a new benchmark."]),
    ];

    /// <summary>One stored sentence: its topic (filterable), its text (keyword-searchable) and its embedding.</summary>
    public sealed class Sentence
    {
        /// <summary>The key.</summary>
        [VectorStoreKey] public int Id { get; set; }

        /// <summary>The topic the sentence was made for.</summary>
        [VectorStoreData(IsIndexed = true)] public string Topic { get; set; } = "";

        /// <summary>The sentence; setting it also sets the text to embed.</summary>
        [VectorStoreData(IsFullTextIndexed = true)]
        public string Text { get => _text; set => _text = Embedding = value; }

        /// <summary>What the store embeds with its generator (384 dimensions: all-MiniLM-L6-v2).</summary>
        [VectorStoreVector(384)] public string? Embedding { get; set; }

        private string _text = "";
    }

    /// <inheritdoc />
    public string Title => "Vector database (Manabi.VectorData)";

    /// <inheritdoc />
    public async Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = new ReportSection(Title);
        section.AddParagraph(
            "Manabi.VectorData is a durable, embedded Microsoft.Extensions.VectorData store: records live in SQLite " +
            "(one transaction per upsert batch) and are searched exactly, or with HNSW, in memory. Here the embedded " +
            "all-MiniLM-L6-v2 is the store's embedding generator: the sentences below are upserted as text, the store " +
            "embeds them in one batched call, and queries are plain text too. The same code runs on Qdrant or " +
            "PostgreSQL + pgvector by changing the registration line (docs/VECTORDATA.md).");
        // Every sentence of every topic (5 x 8 x 8 = 320), or every third in the quick tour.
        var sentences = Topics.SelectMany(t => t.Subjects.SelectMany(s => t.Predicates.Select(p => (t.Topic, Text: $"{s} {p[..1].ToLowerInvariant()}{p[1..]}"))))
            .Where((_, i) => !context.Quick || i % 3 == 0)
            .Select((s, i) => new Sentence { Id = i + 1, Topic = s.Topic, Text = s.Text }).ToList();
        string folder = Path.Combine(Path.GetTempPath(), "manabi-tour-store-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var model = DefaultSentenceModel.Load();
            var rows = new List<IReadOnlyList<string>>();
            double upsertSeconds;
            using (var store = new ManabiVectorStore(folder, new ManabiVectorStoreOptions { EmbeddingGenerator = model }))
            {
                // Disposed before the store is deleted: a collection holds the directory open too.
                using var collection = (ManabiCollection<int, Sentence>)store.GetCollection<int, Sentence>("sentences");
                await collection.EnsureCollectionExistsAsync(cancellationToken).ConfigureAwait(false);
                var clock = Stopwatch.StartNew();
                await collection.UpsertAsync(sentences, cancellationToken).ConfigureAwait(false);
                upsertSeconds = clock.Elapsed.TotalSeconds;

                async Task AddAsync(string label, IAsyncEnumerable<VectorSearchResult<Sentence>> hits)
                {
                    var rank = 0;
                    await foreach (var hit in hits.ConfigureAwait(false))
                    {
                        rank++;
                        rows.Add([rank == 1 ? label : "", rank.ToString(CultureInfo.InvariantCulture), hit.Record.Text, hit.Record.Topic,
                            (hit.Score ?? 0).ToString("F3", CultureInfo.InvariantCulture)]);
                    }
                }
                await AddAsync("search: 'Someone is cooking dinner.'", collection.SearchAsync("Someone is cooking dinner.", 3, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await AddAsync("search outside music: 'a loud live performance'",
                    collection.SearchAsync("a loud live performance", 3, new() { Filter = s => s.Topic != "music" }, cancellationToken)).ConfigureAwait(false);
                await AddAsync("hybrid: 'prices keep going up' + keyword 'inflation'",
                    collection.HybridSearchAsync("prices keep going up", ["inflation"], 3, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            section.AddHeading("Queries");
            section.AddTable(["query", "rank", "stored sentence", "topic", "score"], rows,
                "Search scores are cosine similarities; the filtered query excludes the music topic in SQLite before scoring; " +
                "hybrid scores fuse the vector and BM25 keyword rankings (reciprocal rank fusion).");
            long bytes = new DirectoryInfo(folder).GetFiles().Sum(f => f.Length);
            section.AddFacts(
                ("sentences upserted", sentences.Count.ToString(CultureInfo.InvariantCulture)),
                ("upsert (embedding included, one transaction)", $"{upsertSeconds.ToString("F2", CultureInfo.InvariantCulture)} s"),
                ("store on disk", $"{(bytes / 1024.0).ToString("F0", CultureInfo.InvariantCulture)} KiB (SQLite store.db + WAL)"));
            section.Headline = $"{sentences.Count} sentences upserted as text in {upsertSeconds.ToString("F1", CultureInfo.InvariantCulture)} s; " +
                $"'Someone is cooking dinner.' → '{rows[0][2]}'";
            return section;
        }
        finally
        {
            if (ManabiVectorStore.Exists(folder))
            {
                ManabiVectorStore.Delete(folder);
            }
        }
    }
}
