using System.Text;

namespace Manabi.Text.Tests.Trainers;

/// <summary>BpeTrainer's options, HF's own BpeTrainer unit-test expectations, files, progress and cancellation.</summary>
public class BpeTrainerTests
{
    private static readonly Dictionary<string, long> RosesCounts = new()
    {
        ["roses"] = 1, ["are"] = 2, ["red"] = 1, ["voilets"] = 1, ["blue"] = 1, ["BERT"] = 1,
        ["is"] = 2, ["big"] = 1, ["and"] = 1, ["so"] = 1, ["GPT-2"] = 1,
    };

    [Fact]
    public void MinFrequencyTwoGivesHfsVocabularyAndMerges()
    {
        // HF's bpe::trainer::tests::test_train.
        var result = new BpeTrainer(new BpeTrainerOptions { MinFrequency = 2 }).Train(RosesCounts);
        string[] expected = ["-", "2", "B", "E", "G", "P", "R", "T", "a", "b", "d", "e", "g", "i", "l", "n", "o", "r", "s", "t", "u", "v", "re", "are", "is"];
        Assert.Equal(expected, result.Vocabulary.OrderBy(e => e.Value).Select(e => e.Key));
        Assert.Equal(Enumerable.Range(0, expected.Length), result.Vocabulary.Values.Order());
        Assert.Equal([("r", "e"), ("a", "re"), ("i", "s")], result.Merges);
    }

    [Fact]
    public void MaxTokenLengthTwoGivesHfsVocabulary()
    {
        // HF's bpe_test_max_token_length_direct_assert.
        var counts = new[] { "sin", "Sin", "Lon", "Ano", "짧은한", "긴한글", "短字符", "长字符", "短い文", "長い文", "so", "GP" }
            .ToDictionary(w => w, _ => 2L);
        var result = new BpeTrainer(new BpeTrainerOptions { MaxTokenLength = 2 }).Train(counts);
        var expected = new Dictionary<string, int>
        {
            ["短"] = 12, ["n"] = 6, ["i"] = 5, ["s"] = 8, ["字符"] = 23, ["長"] = 14, ["긴"] = 17, ["い文"] = 22, ["L"] = 2,
            ["in"] = 21, ["o"] = 7, ["은한"] = 29, ["S"] = 4, ["P"] = 3, ["so"] = 27, ["符"] = 13, ["文"] = 11, ["字"] = 10,
            ["짧"] = 19, ["GP"] = 25, ["글"] = 16, ["G"] = 1, ["An"] = 24, ["长"] = 15, ["A"] = 0, ["Lo"] = 26, ["긴한"] = 28,
            ["い"] = 9, ["한"] = 20, ["은"] = 18,
        };
        Assert.Equal(expected.OrderBy(e => e.Value), result.Vocabulary.OrderBy(e => e.Value));
    }

    [Fact]
    public void MaxTokenLengthBoundsEveryToken()
    {
        var counts = new[]
        {
            "singlelongtokenwithoutcasechange", "singleLongTokenWithCamelCaseChange", "Longsingletokenwithpunctu@t!onwithin",
            "짧은한글문자열짧은한", "긴한글문자열긴한글문자열긴한글문", "长字符串长字符串长字符串长字符串", "長い文字列長い文字列長い文字列長", "GPT-2",
        }.ToDictionary(w => w, _ => 2L);
        var result = new BpeTrainer(new BpeTrainerOptions { MaxTokenLength = 16 }).Train(counts);
        Assert.All(result.Vocabulary.Keys, token => Assert.True(token.EnumerateRunes().Count() <= 16, token));
        var unlimited = new BpeTrainer().Train(counts);
        Assert.Contains(unlimited.Vocabulary.Keys, token => token.EnumerateRunes().Count() > 16);
    }

    [Fact]
    public void SpecialTokensComeFirstOnceAndTheAlphabetIsLimitedToTheMostFrequent()
    {
        var counts = new Dictionary<string, long> { ["aab"] = 10, ["ac"] = 1, ["d"] = 3 };
        var options = new BpeTrainerOptions
        {
            SpecialTokens = ["<s>", "</s>", "<s>"], LimitAlphabet = 2, InitialAlphabet = [new Rune('z')], VocabSize = 5,
        };
        var result = new BpeTrainer(options).Train(counts);
        // z is forced in (counts as most frequent), then the most frequent seen character (a: 21); b, c, d are dropped.
        Assert.Equal(["<s>", "</s>", "a", "z", "aa"], result.Vocabulary.OrderBy(e => e.Value).Select(e => e.Key));
        Assert.Equal([("a", "a")], result.Merges);
    }

    [Fact]
    public void PrefixAndSuffixMarkInnerAndFinalPieces()
    {
        var counts = new Dictionary<string, long> { ["hello"] = 5, ["help"] = 3 };
        var options = new BpeTrainerOptions { ContinuingSubwordPrefix = "##", EndOfWordSuffix = "</w>" };
        var result = new BpeTrainer(options).Train(counts);
        Assert.Contains("##l", result.Vocabulary.Keys);
        Assert.Contains("##o</w>", result.Vocabulary.Keys);
        Assert.Contains("##p</w>", result.Vocabulary.Keys);
        Assert.Contains("hel", result.Vocabulary.Keys);
        // The right piece loses its prefix when merged; words end up as single pieces.
        Assert.Contains("hello</w>", result.Vocabulary.Keys);
        Assert.Contains("help</w>", result.Vocabulary.Keys);
        Assert.DoesNotContain(result.Vocabulary.Keys, token => token.IndexOf("##", 1, StringComparison.Ordinal) >= 0);
        Assert.Equal(("h", "##e"), result.Merges[0]);
    }

    [Fact]
    public void ALongRunOfOneLetterTrainsInLinearPasses()
    {
        var counts = new Dictionary<string, long>
        {
            [new string('a', 20_000)] = 1,
            [string.Concat(Enumerable.Repeat("😀", 5000))] = 2,
            // Lone surrogates are no valid input for HF; here they count as U+FFFD and must not crash training.
            ["x\uD800y"] = 1,
        };
        var result = new BpeTrainer().Train(counts);
        for (int length = 1; length <= 16384; length *= 2)
        {
            Assert.Contains(new string('a', length), result.Vocabulary.Keys);
        }
        Assert.Contains(new string('a', 20_000), result.Vocabulary.Keys);
        Assert.Contains(string.Concat(Enumerable.Repeat("😀", 5000)), result.Vocabulary.Keys);
    }

    [Fact]
    public void TrainFromFilesCountsEveryLineWithItsNewline()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "corpus.txt");
        File.WriteAllText(path, "low lower\nnewest widest\r\nlow\n");
        var seen = new List<string>();
        var fromFiles = new BpeTrainer().TrainFromFiles([path], line =>
        {
            lock (seen)
            {
                seen.Add(line);
            }
            return line.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        });
        Assert.Equal(new[] { "low lower\n", "newest widest\n", "low\n" }.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        var counts = new Dictionary<string, long> { ["low"] = 2, ["lower"] = 1, ["newest"] = 1, ["widest"] = 1 };
        var fromCounts = new BpeTrainer().Train(counts);
        Assert.Equal(fromCounts.Vocabulary, fromFiles.Vocabulary);
        Assert.Equal(fromCounts.Merges, fromFiles.Merges);
    }

    [Fact]
    public void InvalidUtf8NamesTheFileAndLine()
    {
        using var folder = new TempDirectory();
        string path = Path.Combine(folder.Path, "bad.txt");
        File.WriteAllBytes(path, [.. "fine\n"u8, 0xC3, 0x28, (byte)'\n']);
        var error = Assert.Throws<TokenizerFormatException>(() => new BpeTrainer().TrainFromFiles([path], line => [line]));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(2, error.LineNumber);
    }

    [Fact]
    public void BadOptionsAndCountsAreRejectedByName()
    {
        Assert.Contains("VocabSize", Assert.Throws<ArgumentException>(() => new BpeTrainer(new BpeTrainerOptions { VocabSize = 0 })).Message);
        Assert.Contains("MaxTokenLength", Assert.Throws<ArgumentException>(() => new BpeTrainer(new BpeTrainerOptions { MaxTokenLength = 0 })).Message);
        Assert.Contains("\"x\"", Assert.Throws<ArgumentException>(() => new BpeTrainer().Train(new Dictionary<string, long> { ["x"] = -1 })).Message);
    }

    [Fact]
    public void ReportsStagesAndStopsWhenCancelled()
    {
        var progress = new Recorder();
        new BpeTrainer(progress: progress).Train(RosesCounts);
        Assert.Equal(["Tokenize words", "Count pairs", "Compute merges"], progress.Stages.Distinct());
        Assert.Equal(progress.Reports[^1].Total, progress.Reports[^1].Done);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new BpeTrainer().Train(RosesCounts, cancelled.Token));
    }

    internal sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public IEnumerable<string> Stages => Reports.Select(r => r.Stage);

        public void Report(TrainingProgress value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    internal sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("manabi-trainers-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
