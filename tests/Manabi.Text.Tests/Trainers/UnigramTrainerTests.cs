using System.Text;

namespace Manabi.Text.Tests.Trainers;

/// <summary>UnigramTrainer's pieces against HF's UnigramTrainer unit-test expectations, options and worst cases.</summary>
public class UnigramTrainerTests
{
    private static readonly Dictionary<string, long> TheAre = new() { ["The"] = 12, ["are"] = 11 };

    [Fact]
    public void SeedsAreHfsCharactersThenFrequentSubstrings()
    {
        // HF's unigram::trainer::tests::test_unigram_chars.
        var counts = new Dictionary<string, long> { ["This is a"] = 1, ["こんにちは友達"] = 1 };
        var trainer = new UnigramTrainer();
        Assert.Equal(13, trainer.RequiredCharacters([.. counts.Keys]).Count);
        var seeds = trainer.SeedPieces([.. counts.Keys.Order(StringComparer.Ordinal)], counts);
        Assert.Equal(["s", "i", " ", "達", "友", "ん", "は", "に", "ち", "こ", "h", "a", "T", "is ", "s "], seeds.Select(s => s.Piece));
        double[] expected = [-2.5649493574615367, -2.5649493574615367, -2.5649493574615367, .. Enumerable.Repeat(-3.258096538021482, 10),
            -1.4663370687934272, -1.8718021769015916];
        Assert.Equal(expected, seeds.Select(s => s.Score), (x, y) => Math.Abs(x - y) < 1e-12);
    }

    [Fact]
    public void InitialAlphabetIsRequired()
    {
        var trainer = new UnigramTrainer(new UnigramTrainerOptions { InitialAlphabet = "abcdef".EnumerateRunes().ToArray() });
        Assert.Equal("こんにちは友達abcdef".EnumerateRunes().Select(r => r.Value).Order(), trainer.RequiredCharacters(["こんにちは友達"]));
    }

    [Fact]
    public void UnknownTokenIsFirstUnlessItIsASpecialToken()
    {
        // HF's test_unk_token and test_special_tokens.
        var added = new UnigramTrainer(new UnigramTrainerOptions { SpecialTokens = ["[SEP]", "[CLS]"], UnknownToken = "[UNK]" }).Train(TheAre);
        Assert.Equal([("[UNK]", 0.0), ("[SEP]", 0.0), ("[CLS]", 0.0)], added.Pieces.Take(3));
        Assert.Equal(0, added.UnknownId);

        var special = new UnigramTrainer(new UnigramTrainerOptions { SpecialTokens = ["[SEP]", "[CLS]", "[UNK]"], UnknownToken = "[UNK]" }).Train(TheAre);
        Assert.Equal([("[SEP]", 0.0), ("[CLS]", 0.0), ("[UNK]", 0.0)], special.Pieces.Take(3));
        Assert.Equal(2, special.UnknownId);

        var plain = new UnigramTrainer().Train(TheAre);
        Assert.Equal("e", plain.Pieces[0].Piece);
        Assert.Null(plain.UnknownId);
        Assert.Equal("Theare".Distinct().Count(), plain.Pieces.Count(p => p.Piece.Length == 1));
    }

    [Fact]
    public void DigammaIsHfs()
    {
        // ψ(1) = -γ, ψ(1/2) = -γ - 2 ln 2, ψ(10) = H(9) - γ.
        const double gamma = 0.5772156649015329;
        Assert.Equal(-gamma, UnigramTrainer.Digamma(1), 1e-9);
        Assert.Equal(-gamma - 2 * Math.Log(2), UnigramTrainer.Digamma(0.5), 1e-9);
        Assert.Equal(Enumerable.Range(1, 9).Sum(k => 1.0 / k) - gamma, UnigramTrainer.Digamma(10), 1e-9);
        Assert.True(double.IsNaN(UnigramTrainer.Digamma(double.NaN)));
    }

    [Fact]
    public void TooManyCharactersForTheVocabularyIsAClearError()
    {
        var error = Assert.Throws<ArgumentException>(() => new UnigramTrainer(new UnigramTrainerOptions { VocabSize = 3 }).Train(TheAre));
        Assert.Contains("5 distinct characters", error.Message);
        Assert.Contains("VocabSize", Assert.Throws<ArgumentException>(() =>
            new UnigramTrainer(new UnigramTrainerOptions { VocabSize = 2, SpecialTokens = ["a", "b"] })).Message);
        Assert.Contains("ShrinkingFactor", Assert.Throws<ArgumentException>(() =>
            new UnigramTrainer(new UnigramTrainerOptions { ShrinkingFactor = 1 })).Message);
    }

    [Fact]
    public void LongRunsAndAstralCharactersTrain()
    {
        var counts = new Dictionary<string, long>
        {
            [new string('a', 20_000)] = 1,
            [string.Concat(Enumerable.Repeat("😀👍", 3000))] = 2,
            [new string('7', 5000)] = 3,
            ["𝐀𝐁𝐂"] = 4,
            ["<UNK>x"] = 2,
            ["<UNK>y"] = 2,
            // Not valid input for HF (Rust strings cannot hold them), but they must not crash training.
            ["a\uD800b"] = 3,
            ["\uDC00\uDC00"] = 1,
        };
        var result = new UnigramTrainer(new UnigramTrainerOptions { VocabSize = 100 }).Train(counts);
        var pieces = result.Pieces.Select(p => p.Piece).ToHashSet();
        foreach (string character in new[] { "a", "😀", "👍", "7", "𝐀", "𝐁", "𝐂", "<", "U", "N", "K", ">", "x", "y" })
        {
            Assert.Contains(character, pieces);
        }
        Assert.All(result.Pieces, p => Assert.True(p.Piece.EnumerateRunes().Count() <= 16 && !double.IsNaN(p.Score), p.Piece));
        Assert.Contains(new string('a', 16), pieces);
    }

    [Fact]
    public void TrainFromFilesMatchesTrainingOnItsWordCounts()
    {
        using var folder = new BpeTrainerTests.TempDirectory();
        string path = Path.Combine(folder.Path, "corpus.txt");
        File.WriteAllLines(path, Enumerable.Range(0, 200).Select(i => $"the {i % 7} quick brown fox {i % 13} jumps"));
        static IEnumerable<string> Split(string line) => line.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var progress = new BpeTrainerTests.Recorder();
        var fromFiles = new UnigramTrainer(new UnigramTrainerOptions { VocabSize = 60 }, progress).TrainFromFiles([path], Split);
        var counts = File.ReadLines(path).SelectMany(Split).GroupBy(w => w).ToDictionary(g => g.Key, g => (long)g.Count());
        var fromCounts = new UnigramTrainer(new UnigramTrainerOptions { VocabSize = 60 }).Train(counts);
        Assert.Equal(fromCounts.Pieces, fromFiles.Pieces);
        Assert.Equal(["Read files", "Suffix array seeds", "EM training"], progress.Stages.Distinct());

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new UnigramTrainer().Train(counts, cancelled.Token));
    }
}
