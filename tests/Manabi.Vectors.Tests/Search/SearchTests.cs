using Manabi.Vectors.Search;

namespace Manabi.Vectors.Tests.Search;

public sealed class SearchTests
{
    private static float[][] RandomVectors(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    [Fact]
    public void Similarity_matrices_follow_sentence_transformers_util()
    {
        float[][] a = [[1, 0], [0, 2]];
        float[][] b = [[1, 1], [3, 0]];
        var cosine = EmbeddingSimilarity.Matrix(a, b);
        Assert.Equal(1 / Math.Sqrt(2), cosine[0, 0], 6);
        Assert.Equal(0, cosine[1, 1], 6);
        var dot = EmbeddingSimilarity.Matrix(a, b, SimilarityFunction.Dot);
        Assert.Equal(2, dot[1, 0], 6);
        var euclidean = EmbeddingSimilarity.Matrix(a, b, SimilarityFunction.Euclidean);
        Assert.Equal(-Math.Sqrt(13), euclidean[1, 1], 5);
    }

    [Fact]
    public void Semantic_search_returns_the_best_hits_in_order_and_ties_by_index()
    {
        var corpus = RandomVectors(300, 16, 1);
        var queries = RandomVectors(7, 16, 2);
        var hits = EmbeddingSimilarity.SemanticSearch(queries, corpus, topK: 5, queryChunkSize: 3);
        for (int q = 0; q < queries.Length; q++)
        {
            var expected = corpus.Select((c, i) => (i, s: EmbeddingSimilarity.Score(queries[q], c))).OrderByDescending(x => x.s).Take(5).Select(x => x.i);
            Assert.Equal(expected, hits[q].Select(h => h.CorpusId));
        }
        var tie = EmbeddingSimilarity.SemanticSearch([[1f, 0f]], [[1f, 0f], [2f, 0f], [0f, 1f]], topK: 2);
        Assert.Equal([0, 1], tie[0].Select(h => h.CorpusId));
    }

    [Fact]
    public void Paraphrase_mining_finds_the_closest_pairs_once()
    {
        float[][] vectors = [[1, 0, 0], [0.99f, 0.1f, 0], [0, 1, 0], [0, 0, 1], [0, 0.1f, 0.99f]];
        var pairs = EmbeddingSimilarity.ParaphraseMining(vectors, topK: 2);
        Assert.Equal((0, 1), (pairs[0].First, pairs[0].Second));
        Assert.Equal((3, 4), (pairs[1].First, pairs[1].Second));
        Assert.Equal(pairs.Count, pairs.Select(p => (p.First, p.Second)).Distinct().Count());
    }

    [Fact]
    public void Quantization_uses_sentence_transformers_calibration_and_bit_packing()
    {
        float[][] calibration = [[-1, 0], [1, 2]];
        var ranges = EmbeddingQuantization.Ranges(calibration);
        // (x - min) / ((max - min) / 255) - 128, truncated: numpy's astype(int8).
        var int8 = EmbeddingQuantization.ToInt8([[0, 1], [1, 2], [-1, 0]], ranges);
        Assert.Equal(new sbyte[] { 0, 0 }, int8[0]);
        Assert.Equal(new sbyte[] { 127, 127 }, int8[1]);
        Assert.Equal(new sbyte[] { -128, -128 }, int8[2]);
        var ubinary = EmbeddingQuantization.ToUBinary([[1, -1, 1, 0, 0, 0, 0, 0, 2]]);
        Assert.Equal(new byte[] { 0b1010_0000, 0b1000_0000 }, ubinary[0]);
        Assert.Equal(new sbyte[] { 160 - 128, 0 }, EmbeddingQuantization.ToBinary([[1, -1, 1, 0, 0, 0, 0, 0, 2]])[0]);
        Assert.Equal(2, EmbeddingQuantization.HammingDistance([0b1010_0000], [0b0010_0001]));
    }

    [Fact]
    public void On_disk_index_answers_as_brute_force_search_and_keeps_its_fingerprint()
    {
        string folder = Path.Combine(Path.GetTempPath(), "manabi-index-" + Guid.NewGuid().ToString("N"));
        try
        {
            var corpus = RandomVectors(5000, 24, 3);
            var texts = corpus.Select((_, i) => $"entry \"{i}\"").ToArray();
            EmbeddingIndex.Build(folder, texts, corpus, "corpus-v1");
            Assert.Equal("corpus-v1", EmbeddingIndex.ReadFingerprint(folder));
            using var index = EmbeddingIndex.Open(folder);
            Assert.Equal(5000, index.Count);
            Assert.Equal("entry \"42\"", index.Text(42));
            var query = RandomVectors(1, 24, 4)[0];
            var expected = EmbeddingSimilarity.SemanticSearch([query], corpus, topK: 10)[0];
            var actual = index.Search(query, 10);
            Assert.Equal(expected.Select(h => h.CorpusId), actual.Select(h => h.CorpusId));
            Assert.Equal(expected[0].Score, actual[0].Score, 5);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        Assert.Null(EmbeddingIndex.ReadFingerprint(folder));
    }
}
