using Manabi.TestSupport;

namespace Manabi.Vectors.Tests;

/// <summary>
/// Replays the fuzzing corpus (tests/fixtures/fuzz/&lt;target&gt;: seeds and every crash tools/fuzz found) through the
/// fuzzing targets' entry points: opening and querying a store, and converting each source format.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static void OpenAndQuery(string path)
    {
        using (var store = VectorStore.Open(path))
        {
            for (int row = 0; row < Math.Min(store.Count, 3); row++)
            {
                string key = store.GetKey(row);
                store.Lookup(key);
                store.MostSimilar(key, top: 2);
                if (store.HasApproximateIndex)
                {
                    store.MostSimilar(key, top: 2, approximate: true);
                }
            }
            store.Lookup("zzqxv");
            store.OutOfVocabularyMatches("kingg");
            store.Verify();
        }
        using var verified = VectorStore.Open(path, new VectorStoreOptions { VerifyChecksums = true });
    }

    private static Action<string> Convert(VectorFileFormat format) => path =>
    {
        string output = path + ".out.mvs";
        try
        {
            VectorStoreConverter.Convert(path, output, new VectorConvertOptions { Format = format, BuildApproximateIndex = true, HnswEfConstruction = 8 });
        }
        finally
        {
            File.Delete(output);
        }
    };

    [Fact]
    public void StoreCorpusOpensOrIsRefusedWithTheFileNamed() =>
        Assert.Empty(FuzzCorpus.Replay("mvs", ".mvs", OpenAndQuery, typeof(VectorFormatException)));

    [Theory]
    [InlineData("word2vec", ".vec", VectorFileFormat.Word2Vec)]
    [InlineData("word2vec-bin", ".bin", VectorFileFormat.Word2VecBinary)]
    [InlineData("glove", ".txt", VectorFileFormat.Glove)]
    [InlineData("fasttext-bin", ".bin", VectorFileFormat.FastTextBinary)]
    public void SourceCorpusConvertsOrIsRefusedWithTheFileNamed(string target, string extension, VectorFileFormat format) =>
        Assert.Empty(FuzzCorpus.Replay(target, extension, Convert(format), typeof(VectorFormatException)));

    [Theory]
    [InlineData("hang-header-count-reserves-gigabytes.vec", "value 2 ('0.7Z69') is not a finite number")]
    [InlineData("forged-header-count-overflow.vec", "the header declares 9223372036854775807 vectors")]
    public void LyingWord2VecHeaderCountsReserveNothing(string file, string expected)
    {
        // Found by fuzzing (a hang: a 6666666666666-vector header reserved 4 GB before the first row) and by reading
        // the same line (2^63 - 1 vectors overflowed the reservation into an ArgumentOutOfRangeException).
        string path = Fixtures.Path("fuzz", "word2vec", file);
        string output = Path.Combine(Path.GetTempPath(), $"manabi-fuzz-{Guid.NewGuid():N}.mvs");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<VectorFormatException>(() =>
            VectorStoreConverter.Convert(path, output, new VectorConvertOptions { Format = VectorFileFormat.Word2Vec }));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.True(allocated < 64 << 20, $"reading a {new FileInfo(path).Length}-byte file allocated {allocated} bytes");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Word2VecBinaryHeaderLargerThanTheFileIsRefusedBeforeAllocating()
    {
        string path = Path.Combine(Path.GetTempPath(), $"manabi-fuzz-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, [.. "100000000 300\nking "u8, .. new byte[1200]]);
        try
        {
            var ex = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(path, path + ".mvs"));
            Assert.Equal($"{path}:1: the header declares 100000000 records of 300 float32 values, more than the 1219-byte file can hold (truncated, or a wrong header).", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("hang-dictionary-size-reserves-gigabytes.bin")]
    [InlineData("hang-dictionary-size-reserves-gigabytes-2.bin")]
    public void LyingFastTextDictionarySizesReserveNothing(string file)
    {
        // Found by fuzzing (hangs): a dictionary of 754974720 declared words reserved a 6 GB key list before reading one.
        string path = Fixtures.Path("fuzz", "fasttext-bin", file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(path, path + ".mvs",
            new VectorConvertOptions { Format = VectorFileFormat.FastTextBinary }));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal($"{path}: the fastText model is truncated.", ex.Message);
        Assert.True(allocated < 64 << 20, $"reading a {new FileInfo(path).Length}-byte file allocated {allocated} bytes");
    }

    [Fact]
    public void FastTextMatrixLargerThanTheFileIsRefusedBeforeAllocating()
    {
        // A valid model cut after the matrix header: 9 x 3 floats declared, none present.
        byte[] model = File.ReadAllBytes(Fixtures.Path("fuzz", "fasttext-bin", "tiny.bin"));
        string path = Path.Combine(Path.GetTempPath(), $"manabi-fuzz-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(path, model[..^(9 * 3 * 4)]);
        try
        {
            var ex = Assert.Throws<VectorFormatException>(() => VectorStoreConverter.Convert(path, path + ".mvs"));
            Assert.Equal($"{path}: the fastText model is truncated (its 9 x 3 input matrix needs 108 bytes; 0 remain).", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
