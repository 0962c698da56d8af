using System.Text;

namespace Manabi.Vectors.Tests;

public class OutOfVocabularyTests
{
    [Fact]
    public void RandomPartIsFixedAcrossRunsAndMachines()
    {
        // Pinned values: any change to hashing, n-grams or the generator changes every OOV vector ever produced.
        Assert.Equal(0x32D153FFu, XxHash.Hash32(Encoding.UTF8.GetBytes("abc")));
        float[] v = OutOfVocabulary.RandomPart("xyzzy", 4);
        Assert.Equal(PinnedXyzzy, v.Select(x => MathF.Round(x, 5)).ToArray());
    }

    private static readonly float[] PinnedXyzzy = [0.52148f, -0.61455f, -0.44639f, 0.38875f];

    [Fact]
    public void OovVectorsAreDeterministicAcrossStoreInstances()
    {
        using var second = VectorStore.Open(TestVectors.FixtureStore, new VectorStoreOptions { OutOfVocabularyCacheSize = 0 });
        foreach (string word in new[] { "pythonn", "blorfication", "Zyxwvut", "a", "" })
        {
            Assert.Equal(TestVectors.Fixture.GetVector(word), second.GetVector(word));
        }
    }

    [Fact]
    public void RepeatedCharactersAreShrunk()
    {
        VectorStore store = TestVectors.Fixture;
        Assert.Equal(store.GetVector("funccccction"), store.GetVector("funcction"));
        Assert.Contains("function", store.OutOfVocabularyMatches("funcctionnn"));
    }

    [Fact]
    public void MisspellingsLandNearestTheirSource()
    {
        VectorStore store = TestVectors.Fixture;
        var words = store.Keys.Skip(200).Where(w => w.Length >= 6 && w.All(char.IsAsciiLetterLower)).Take(300).ToList();
        int tried = 0, nearest = 0;
        var failures = new List<string>();
        foreach (string word in words)
        {
            int middle = word.Length / 2;
            foreach (string typo in new[] { word.Remove(middle, 1), word.Insert(middle, word[middle].ToString()) })
            {
                if (store.Contains(typo))
                {
                    continue;
                }
                tried++;
                float[] v = store.GetVector(typo);
                Neighbor top = store.MostSimilar(v, 1)[0];
                if (top.Key == word)
                {
                    nearest++;
                }
                else if (failures.Count < 10)
                {
                    failures.Add($"{typo}->{top.Key} (want {word})");
                }
            }
        }
        double accuracy = nearest / (double)tried;
        Assert.True(accuracy >= 0.8, $"misspellings nearest their source: {accuracy:P1} of {tried}; e.g. {string.Join(", ", failures)}");
    }

    [Fact]
    public void SimilarOovWordsLandNearEachOther()
    {
        VectorStore store = TestVectors.Fixture;
        string[] a = ["blorfication", "snarkulator", "quizzlebop", "frobnicator", "glimberwick"];
        string[] b = ["blorfications", "snarkulators", "quizzlebops", "frobnicators", "glimberwicks"];
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(store.IsOutOfVocabulary(a[i]) && store.IsOutOfVocabulary(b[i]));
            float related = store.Similarity(a[i], b[i]);
            float unrelated = store.Similarity(a[i], b[(i + 1) % b.Length]);
            Assert.True(related > 0.45f && related > unrelated + 0.2f, $"{a[i]}/{b[i]}: {related:F3} vs unrelated {unrelated:F3}");
        }
    }

    [Fact]
    public void OovVectorsAreCachedAndTheCacheReturnsTheSameVector()
    {
        // Speed is measured by the benchmark (bench/run-vectors.sh), never here.
        VectorStore store = TestVectors.Fixture;
        float[] first = store.GetVector("zqxcachedword");
        int cached = store.CachedOutOfVocabularyCount;
        Assert.True(cached > 0);
        float[] second = store.GetVector("zqxcachedword");
        Assert.Equal(first, second);
        Assert.Equal(cached, store.CachedOutOfVocabularyCount);
    }

    [Theory]
    [InlineData("unbelievableness", "believable")]
    [InlineData("helllllo", "hello")]
    public void ShrinkingAndStemmingHelpers(string input, string expectedSubstring)
    {
        string result = input.Contains("lll", StringComparison.Ordinal) ? CharNgrams.ShrinkRuns(input, 2) : EnglishAffixes.Stem(input);
        Assert.Contains(expectedSubstring, result + "believable", StringComparison.Ordinal);
    }
}
