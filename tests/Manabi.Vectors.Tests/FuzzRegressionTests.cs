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
}
