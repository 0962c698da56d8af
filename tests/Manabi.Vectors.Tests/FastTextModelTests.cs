using System.Globalization;
using System.IO.Compression;
using System.Numerics.Tensors;
using System.Text;
using Manabi.TestSupport;

namespace Manabi.Vectors.Tests;

/// <summary>
/// Stores converted from a fastText model (.bin) against fastText 0.9.2's own output for the same model: its .vec
/// file for the vocabulary and <c>print-word-vectors</c> for unknown words (tests/fixtures/vectors/make-fasttext-tiny.sh).
/// fastText prints five significant digits, hence the tolerance.
/// </summary>
public sealed class FastTextModelTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _store;

    public FastTextModelTests()
    {
        _store = _dir.File("tiny.mvs");
        VectorStoreConverter.Convert(Fixtures.Path("vectors", "fasttext-tiny.bin.gz"), _store);
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("", 2166136261u)]
    [InlineData("<na", 1267806890u)]
    [InlineData("ï", 1056599015u)]
    [InlineData("<日本", 3018758587u)]
    [InlineData("abc>", 2486443631u)]
    [InlineData("École", 1369936992u)]
    public void HashMatchesFastTextsSignedByteFnv1a(string text, uint expected) =>
        // Goldens from gensim's ft_hash_bytes, which reproduces fastText's sign extension.
        Assert.Equal(expected, FastTextSubwords.Hash(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void VocabularyVectorsEqualFastTextsVecOutput()
    {
        using var store = VectorStore.Open(_store);
        Dictionary<string, float[]> vec = ReadVectors(Fixtures.Path("vectors", "fasttext-tiny.vec.gz"), skipHeader: true);
        Assert.True(store.HasSubwordVectors);
        Assert.Equal(vec.Count, store.Count);
        var raw = new float[store.Dimensions];
        foreach ((string word, float[] expected) in vec)
        {
            Assert.True(store.LookupInto(word, raw, raw: true) >= 0, word);
            AssertClose(expected, raw, word);
        }
    }

    [Fact]
    public void UnknownWordsGetFastTextsSubwordVectors()
    {
        using var store = VectorStore.Open(_store, new VectorStoreOptions { CaseInsensitiveFallback = false });
        Dictionary<string, float[]> printed = ReadVectors(Fixtures.Path("vectors", "fasttext-tiny-print.txt"), skipHeader: false);
        Assert.Contains(printed.Keys, w => w.Any(c => c > 127));
        int unknown = 0;
        var raw = new float[store.Dimensions];
        foreach ((string word, float[] expected) in printed)
        {
            bool oov = store.LookupInto(word, raw, raw: true) < 0;
            unknown += oov ? 1 : 0;
            AssertClose(expected, raw, word);
            float[] unit = store.GetVector(word);
            Assert.Equal(1, TensorPrimitives.Norm(unit), 1e-5);
            Assert.Equal(1, TensorPrimitives.CosineSimilarity(unit, raw), 1e-5);
        }
        Assert.InRange(unknown, 8, printed.Count - 4);
    }

    [Fact]
    public void MagnitudeVectorsRemainAvailableAndAreUsedWithoutNgrams()
    {
        using var fastText = VectorStore.Open(_store);
        using var magnitude = VectorStore.Open(_store, new VectorStoreOptions { UseSubwordVectors = false });
        float[] a = fastText.GetVector("xylophonic"), b = magnitude.GetVector("xylophonic");
        Assert.True(TensorPrimitives.CosineSimilarity(a, b) < 0.999f);
        Assert.False(magnitude.SubwordVector("xylophonic", new float[magnitude.Dimensions]));
        // "<>" is shorter than minn: no n-gram, so the Magnitude vector answers.
        Assert.False(fastText.SubwordVector("", new float[fastText.Dimensions]));
        Assert.Equal(magnitude.GetVector(""), fastText.GetVector(""));
    }

    [Fact]
    public void AutoDetectsTheModelAlsoUncompressedAndRejectsBrokenModels()
    {
        byte[] model = Decompress(Fixtures.Path("vectors", "fasttext-tiny.bin.gz"));
        string plain = _dir.File("model.bin");
        File.WriteAllBytes(plain, model);
        VectorStoreConverter.Convert(plain, _dir.File("plain.mvs"));
        using (var store = VectorStore.Open(_dir.File("plain.mvs")))
        {
            Assert.True(store.HasSubwordVectors);
        }

        string truncated = _dir.File("truncated.bin");
        File.WriteAllBytes(truncated, model[..(model.Length / 2)]);
        var e = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(truncated, _dir.File("t.mvs")));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("t.mvs")));

        byte[] otherVersion = (byte[])model.Clone();
        otherVersion[4] = 99;
        string versioned = _dir.File("v99.bin");
        File.WriteAllBytes(versioned, otherVersion);
        e = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(versioned, _dir.File("v.mvs"), new VectorConvertOptions { Format = VectorFileFormat.FastTextBinary }));
        Assert.Contains("version 99", e.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(float[] expected, float[] actual, string word)
    {
        for (int d = 0; d < expected.Length; d++)
        {
            Assert.True(Math.Abs(expected[d] - actual[d]) <= 1e-4 * Math.Abs(expected[d]) + 2e-6,
                $"'{word}' dimension {d}: fastText {expected[d]}, Manabi {actual[d]}");
        }
    }

    private static Dictionary<string, float[]> ReadVectors(string path, bool skipHeader)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (skipHeader)
        {
            reader.ReadLine();
        }
        while (reader.ReadLine() is { } line)
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            vectors[parts[0]] = [.. parts.Skip(1).Select(p => float.Parse(p, CultureInfo.InvariantCulture))];
        }
        return vectors;
    }

    private static byte[] Decompress(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
