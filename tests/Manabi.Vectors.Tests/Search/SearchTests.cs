using System.Numerics.Tensors;
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

    [Fact]
    public void Index_search_equals_a_naive_dot_product_sort_with_ties_by_lowest_id()
    {
        using var dir = new TempDirectory();
        const int count = 4000, dims = 48;
        var corpus = RandomVectors(count, dims, 11);
        // Exact copies of earlier rows (and of a query) make equal scores, which must come out lowest id first.
        for (int i = 3000; i < count; i += 7)
        {
            corpus[i] = (float[])corpus[i % 500].Clone();
        }
        var queries = RandomVectors(6, dims, 12).Append(corpus[17]).Append(corpus[3000 % 500]).ToArray();
        string folder = dir.File("index");
        EmbeddingIndex.Build(folder, corpus.Select((_, i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), corpus, "f");
        using var index = EmbeddingIndex.Open(folder);
        foreach (float[] query in queries)
        {
            var unit = new float[dims];
            TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), unit);
            // The old index's brute force: every row's dot product with the unit query, sorted best first, then by id.
            var reference = Enumerable.Range(0, count).Select(i => (Id: i, Score: TensorPrimitives.Dot(unit, index.Vector(i))))
                .OrderByDescending(h => h.Score).ThenBy(h => h.Id).ToArray();
            foreach (int k in new[] { 1, 10, 100, count + 5 })
            {
                SearchHit[] hits = index.Search(query, k);
                var expected = reference.Take(k).ToArray();
                Assert.Equal(expected.Select(h => h.Id), hits.Select(h => h.CorpusId));
                Assert.All(expected.Zip(hits), p => Assert.Equal(p.First.Score, p.Second.Score, 6));
            }
        }
        var tied = index.Search(corpus[3000 % 500], 3);
        Assert.Equal(1f, tied[0].Score, 5);
        Assert.True(tied[0].CorpusId < tied[1].CorpusId && tied[0].Score == tied[1].Score, "duplicates tie, lowest id first");
    }

    [Fact]
    public void Index_vectors_are_unit_length_and_bad_arguments_throw()
    {
        using var dir = new TempDirectory();
        string folder = dir.File("index");
        EmbeddingIndex.Build(folder, ["a", "b"], [[3f, 4f], [0f, 2f]], "f");
        using var index = EmbeddingIndex.Open(folder);
        Assert.Equal((2, 2), (index.Count, index.Dimension));
        Assert.Equal([0.6f, 0.8f], index.Vector(0).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Vector(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search([1f, 0f], 0));
        Assert.Throws<ArgumentException>(() => index.Search([1f, 0f, 0f], 1));
        Assert.Throws<ArgumentException>(() => EmbeddingIndex.Build(dir.File("empty"), [], [], "f"));
        Assert.False(Directory.Exists(dir.File("empty")));
    }

    [Fact]
    public void A_folder_in_the_old_format_is_no_complete_index()
    {
        using var dir = new TempDirectory();
        string folder = dir.File("old");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "vectors.f32"), [.. "MNBIDX01"u8, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 128, 63]);
        File.WriteAllText(Path.Combine(folder, "texts.jsonl"), "\"a\"\n");
        File.WriteAllText(Path.Combine(folder, "manifest.json"), """{"format": "manabi-embedding-index/1", "count": 1, "dimension": 1, "fingerprint": "f"}""");
        Assert.Null(EmbeddingIndex.ReadFingerprint(folder));
        Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Open(folder));
        // Rebuilding over it replaces the whole folder.
        EmbeddingIndex.Build(folder, ["a"], [[1f]], "f");
        Assert.Equal("f", EmbeddingIndex.ReadFingerprint(folder));
        Assert.False(File.Exists(Path.Combine(folder, "vectors.f32")));
    }

    [Fact]
    public void A_damaged_index_with_a_matching_fingerprint_throws_invalid_data_naming_the_file()
    {
        using var dir = new TempDirectory();
        string folder = dir.File("index");
        var corpus = RandomVectors(300, 8, 5);
        string[] texts = [.. corpus.Select((_, i) => $"t{i}")];
        string vectors = Path.Combine(folder, "vectors.mvs"), textsFile = Path.Combine(folder, "texts.jsonl");

        EmbeddingIndex.Build(folder, texts, corpus, "f");
        using (var stream = new FileStream(vectors, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }
        Assert.Equal("f", EmbeddingIndex.ReadFingerprint(folder));
        var truncated = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Open(folder));
        Assert.Contains("vectors.mvs", truncated.Message);

        // A flipped byte keeps the length: only the checksums see it.
        EmbeddingIndex.Build(folder, texts, corpus, "f");
        long vectorsAt;
        using (var store = VectorStore.Open(vectors))
        {
            vectorsAt = store.Header.SectionOffsets[(int)StoreSection.Vectors];
        }
        byte[] bytes = File.ReadAllBytes(vectors);
        bytes[vectorsAt + 100] ^= 0x40;
        File.WriteAllBytes(vectors, bytes);
        EmbeddingIndex.Open(folder).Dispose();
        var flipped = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Open(folder, verifyChecksums: true));
        Assert.Contains("vectors.mvs", flipped.Message);

        EmbeddingIndex.Build(folder, texts, corpus, "f");
        File.WriteAllLines(textsFile, File.ReadAllLines(textsFile)[..^1]);
        Assert.Contains("texts.jsonl", Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Open(folder)).Message);
        File.AppendAllText(textsFile, "not json\n");
        Assert.Contains("texts.jsonl:300", Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Open(folder)).Message);
    }
}
