namespace Manabi.Vectors.Tests;

public sealed class LookupTests : IDisposable
{
    private const int Dims = 6;
    private readonly TempDirectory _dir = new();
    private readonly VectorStore _store;

    public LookupTests()
    {
        string[] keys = ["apple", "Banana", "cherry", "banana", "Durian"];
        var values = new float[keys.Length * Dims];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i * 7 % 11) - 5 + 0.5f;
        }
        VectorStoreConverter.Write(keys, values, Dims, _dir.File("s.mwv"));
        _store = VectorStore.Open(_dir.File("s.mwv"));
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void ExactKeysWinOverCaseInsensitiveMatches()
    {
        Assert.Equal(1, _store.IndexOf("Banana"));
        Assert.Equal(3, _store.IndexOf("banana"));
        Assert.Equal(4, _store.IndexOf("durian"));
        Assert.Equal(1, _store.IndexOf("BANANA"));
        Assert.Equal(-1, _store.IndexOfExact("durian"));
        Assert.False(_store.Lookup("DURIAN").IsOutOfVocabulary);
        Assert.True(_store.Lookup("kiwi").IsOutOfVocabulary);
    }

    [Fact]
    public void CaseInsensitiveFallbackCanBeTurnedOff()
    {
        using var strict = VectorStore.Open(_store.Path, new VectorStoreOptions { CaseInsensitiveFallback = false });
        Assert.True(strict.IsOutOfVocabulary("durian"));
        Assert.False(strict.IsOutOfVocabulary("Durian"));
    }

    [Fact]
    public void RawVectorsAreUnitVectorsTimesTheNorm()
    {
        float[] unit = _store.GetVector("cherry");
        float[] raw = _store.GetVector("cherry", raw: true);
        float norm = _store.GetNorm(2);
        for (int d = 0; d < Dims; d++)
        {
            Assert.Equal(unit[d] * norm, raw[d], 1e-5f);
        }
    }

    [Fact]
    public void BatchQueryIsTwoDimensionalAndInOrder()
    {
        float[,] batch = _store.Query(["cherry", "nope", "apple"]);
        Assert.Equal(3, batch.GetLength(0));
        Assert.Equal(Dims, batch.GetLength(1));
        float[] apple = _store.GetVector("apple"), nope = _store.GetVector("nope");
        for (int d = 0; d < Dims; d++)
        {
            Assert.Equal(apple[d], batch[2, d]);
            Assert.Equal(nope[d], batch[1, d]);
        }
    }

    [Fact]
    public void SentencesArePaddedAndTruncatedOnEitherSide()
    {
        string[][] sentences = [["apple", "cherry", "Durian"], ["banana"]];
        float[,,] right = _store.Query(sentences, length: 2);
        Assert.Equal([2, 2, Dims], new[] { right.GetLength(0), right.GetLength(1), right.GetLength(2) });
        Assert.Equal(_store.GetVector("apple")[0], right[0, 0, 0]);
        Assert.Equal(_store.GetVector("cherry")[0], right[0, 1, 0]);
        Assert.Equal(_store.GetVector("banana")[0], right[1, 0, 0]);
        Assert.Equal(0f, right[1, 1, 0]);
        float[,,] left = _store.Query(sentences, length: 2, padLeft: true, truncateLeft: true);
        Assert.Equal(_store.GetVector("cherry")[0], left[0, 0, 0]);
        Assert.Equal(_store.GetVector("Durian")[0], left[0, 1, 0]);
        Assert.Equal(0f, left[1, 0, 0]);
        Assert.Equal(_store.GetVector("banana")[0], left[1, 1, 0]);
        Assert.Equal(3, _store.Query(sentences).GetLength(1));
    }

    [Fact]
    public void ConcatenationJoinsVectorsOfEveryPart()
    {
        var both = new ConcatenatedVectors(_store, _store);
        Assert.Equal(2 * Dims, both.Dimensions);
        VectorLookup v = both.Lookup("apple");
        Assert.False(v.IsOutOfVocabulary);
        Assert.Equal(_store.GetVector("apple"), v.Vector[..Dims]);
        Assert.Equal(_store.GetVector("apple"), v.Vector[Dims..]);
        Assert.Equal(2, both.Query(["apple", "zzz"]).GetLength(0));
    }

    [Fact]
    public void ConcurrentReadersSeeTheSameVectors()
    {
        string[] keys = [.. Enumerable.Range(0, 400).Select(i => i % 3 == 0 ? "apple" : "oov" + i)];
        float[,] sequential = _store.Query(keys[..100]);
        Parallel.For(0, 400, i =>
        {
            float[] v = _store.GetVector(keys[i]);
            if (i < 100)
            {
                for (int d = 0; d < Dims; d++)
                {
                    Assert.Equal(sequential[i, d], v[d]);
                }
            }
        });
    }
}
