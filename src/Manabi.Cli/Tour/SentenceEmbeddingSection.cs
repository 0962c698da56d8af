using Manabi.Cli.Output;
using Manabi.Cli.Reporting;
using Manabi.Vectors.Search;
using Manabi.SentenceTransformers;

namespace Manabi.Cli.Tour;

/// <summary>
/// Tour section for Sentence-BERT: the embedded all-MiniLM-L6-v2 embeds a small corpus, a few queries find their
/// nearest sentences by cosine, and a heatmap shows how the sentences' similarities cluster by topic.
/// </summary>
public sealed class SentenceEmbeddingSection : ITourSection
{
    private static readonly string[] Corpus =
    [
        "A man is playing a guitar on stage.",
        "The band performed their new song to a cheering crowd.",
        "A chef slices onions in a busy kitchen.",
        "Fresh bread is baked every morning at the bakery.",
        "The central bank raised interest rates again.",
        "Stock markets fell sharply after the announcement.",
        "The striker scored twice in the second half.",
        "The goalkeeper saved a penalty in the final minute.",
        "Neural networks learn representations from data.",
        "The transformer model attends to every token in the sentence.",
    ];

    private static readonly string[] Queries =
    [
        "Someone is cooking food.",
        "What happened in the football match?",
        "How do machine learning models understand text?",
        "Is the economy slowing down?",
    ];

    /// <inheritdoc />
    public string Title => "Sentence embeddings (Sentence-BERT)";

    /// <inheritdoc />
    public Task<ReportSection> RunAsync(TourContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = new ReportSection(Title);
        section.AddParagraph(
            "Sentence-BERT runs two sentences through the same BERT and pools its token outputs into one vector each, " +
            "trained so that cosine similarity means closeness in meaning. Below, the embedded all-MiniLM-L6-v2 " +
            "(imported from ONNX into Manabi.Torch on first use) embeds a ten-sentence corpus; each query finds its " +
            "nearest sentences. The same works from the shell: 'manabi search --corpus FILE --query TEXT' and " +
            "'manabi similarity \"a\" \"b\"'.");
        using var model = DefaultSentenceModel.Load();
        var corpus = model.Encode(Corpus).Vectors;
        cancellationToken.ThrowIfCancellationRequested();
        var queries = model.Encode(Queries).Vectors;
        var hits = EmbeddingSimilarity.SemanticSearch(queries, corpus, topK: 2);
        var rows = new List<IReadOnlyList<string>>();
        for (int q = 0; q < Queries.Length; q++)
        {
            foreach (var (hit, rank) in hits[q].Select((h, r) => (h, r + 1)))
            {
                rows.Add([rank == 1 ? Queries[q] : "", rank.ToString(System.Globalization.CultureInfo.InvariantCulture), Corpus[hit.CorpusId], NumberFormat.Short(hit.Score, 3)]);
            }
        }
        section.AddHeading("Semantic search");
        section.AddTable(["query", "rank", "nearest corpus sentence", "cosine"], rows, "Top two hits per query among the ten corpus sentences.");

        var similarity = EmbeddingSimilarity.Matrix(corpus, corpus);
        var values = new double[Corpus.Length, Corpus.Length];
        for (int i = 0; i < Corpus.Length; i++)
        {
            for (int j = 0; j < Corpus.Length; j++)
            {
                values[i, j] = similarity[i, j];
            }
        }
        section.AddHeading("Similarity matrix");
        section.AddChart(Charts.Heatmap("Cosine similarity of the corpus sentences", values),
            "Sentences 0–1 music, 2–3 food, 4–5 finance, 6–7 football, 8–9 machine learning: the bright 2×2 blocks on the diagonal are the topics.");
        section.AddTable(["#", "sentence"], Corpus.Select((s, i) => (IReadOnlyList<string>)[i.ToString(System.Globalization.CultureInfo.InvariantCulture), s]));
        double within = Enumerable.Range(0, Corpus.Length / 2).Average(p => similarity[2 * p, 2 * p + 1]);
        double across = Enumerable.Range(0, Corpus.Length).SelectMany(i => Enumerable.Range(0, Corpus.Length).Where(j => j / 2 != i / 2).Select(j => (double)similarity[i, j])).Average();
        section.AddFacts(
            ("model", $"{DefaultSentenceModel.Name}, {model.Dimension} dimensions, max {model.MaxSeqLength} tokens"),
            ("mean cosine within a topic", NumberFormat.Short(within, 3)),
            ("mean cosine across topics", NumberFormat.Short(across, 3)));
        section.Headline = $"'{Queries[0]}' → '{Corpus[hits[0][0].CorpusId]}' ({NumberFormat.Short(hits[0][0].Score, 3)}); " +
            $"same-topic cosine {NumberFormat.Short(within, 2)} vs {NumberFormat.Short(across, 2)} across topics";
        return Task.FromResult(section);
    }
}
