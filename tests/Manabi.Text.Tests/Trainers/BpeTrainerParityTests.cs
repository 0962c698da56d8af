using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Trainers;

/// <summary>BpeTrainer against HF's BpeTrainer (default settings, the only ones the Node binding trains with).</summary>
public class BpeTrainerParityTests(ITestOutputHelper output)
{
    public static TheoryData<string> PreTokenizers => new() { "Whitespace", "ByteLevel" };

    [Theory]
    [MemberData(nameof(PreTokenizers))]
    public void SameVocabularyAndMergesAsHf(string preTokenizer)
    {
        string pre = preTokenizer == "Whitespace" ? TrainOracle.Whitespace : TrainOracle.ByteLevel;
        var hf = TrainOracle.Train(TrainOracle.TokenizerJson(pre, TrainOracle.EmptyBpe), TrainOracle.CorpusLines(0, 6000));
        var (hfVocab, hfMerges) = Read(hf.Trained);

        var stopwatch = Stopwatch.StartNew();
        var result = new BpeTrainer().Train(hf.WordCounts);
        output.WriteLine($"{preTokenizer}: {hf.WordCounts.Count} distinct words; Manabi {stopwatch.Elapsed.TotalSeconds:F3} s, " +
            $"HF {hf.Seconds:F3} s; vocab {result.Vocabulary.Count}, merges {result.Merges.Count}");

        AssertSameMerges(hfMerges, result.Merges);
        AssertSameVocabulary(hfVocab, result.Vocabulary);
    }

    [Fact]
    public void SameVocabularyAndMergesAsHfOnJapaneseEmojiAndControls()
    {
        // Astral characters, controls and CJK sort by code point in the alphabet; lone surrogates are not valid oracle input.
        string[] texts = [.. TrainOracle.StressTexts("ja"), .. TrainOracle.StressTexts("fuzz")];
        string[] lines = texts.Select(t => t.ReplaceLineEndings(" ")).Where(TokenizersOracle.IsWellFormedUtf16).ToArray();
        var hf = TrainOracle.Train(TrainOracle.TokenizerJson(TrainOracle.Whitespace, TrainOracle.EmptyBpe), lines);
        var (hfVocab, hfMerges) = Read(hf.Trained);
        var result = new BpeTrainer().Train(hf.WordCounts);
        output.WriteLine($"{lines.Length} lines, {hf.WordCounts.Count} distinct words, vocab {result.Vocabulary.Count}, " +
            $"{result.Vocabulary.Keys.Count(k => k.EnumerateRunes().Any(r => r.Value > 0xFFFF))} tokens with astral characters");
        AssertSameMerges(hfMerges, result.Merges);
        AssertSameVocabulary(hfVocab, result.Vocabulary);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SameVocabularyAndMergesAsHfOnRandomWordsOfFewLetters(int seed)
    {
        // Few letters make many ties and many tokens reachable by two merges (a+bc and ab+c), which HF ranks by its
        // last merge: the cases where the order of the queue matters most.
        var random = new Random(seed);
        string[] lines = Enumerable.Range(0, 300)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(1, 12))
                .Select(_ => new string(Enumerable.Range(0, random.Next(1, 4 * seed + 5)).Select(_ => "abcd"[random.Next(Math.Min(seed + 1, 4))]).ToArray()))))
            .ToArray();
        var hf = TrainOracle.Train(TrainOracle.TokenizerJson(TrainOracle.Whitespace, TrainOracle.EmptyBpe), lines);
        var (hfVocab, hfMerges) = Read(hf.Trained);
        var result = new BpeTrainer().Train(hf.WordCounts);
        int alphabet = result.Vocabulary.Keys.Count(k => k.Length == 1);
        output.WriteLine($"seed {seed}: {hf.WordCounts.Count} words, vocab {result.Vocabulary.Count}, merges {result.Merges.Count} " +
            $"({result.Merges.Count - (result.Vocabulary.Count - alphabet)} tokens reached by a second pair)");
        AssertSameMerges(hfMerges, result.Merges);
        AssertSameVocabulary(hfVocab, result.Vocabulary);
    }


    [Theory]
    [InlineData(300)]
    [InlineData(2000)]
    public void SmallerVocabularyIsAPrefixOfHfsFullRun(int vocabSize)
    {
        var hf = TrainOracle.Train(TrainOracle.TokenizerJson(TrainOracle.Whitespace, TrainOracle.EmptyBpe), TrainOracle.CorpusLines(0, 6000));
        var (hfVocab, hfMerges) = Read(hf.Trained);

        var result = new BpeTrainer(new BpeTrainerOptions { VocabSize = vocabSize }).Train(hf.WordCounts);
        Assert.Equal(vocabSize, result.Vocabulary.Count);
        AssertSameVocabulary(hfVocab.Where(e => e.Value < vocabSize).ToDictionary(), result.Vocabulary);
        AssertSameMerges(hfMerges.Take(result.Merges.Count).ToArray(), result.Merges);
    }

    [Fact]
    public void TrainFromFilesWithAWhitespaceSplitMatchesHfsTrainFromFiles()
    {
        // ASCII lines only, where HF's Whitespace pattern \w+|[^\w\s]+ means the same in .NET's Regex.
        string[] lines = TrainOracle.CorpusLines(0, 8000).Where(line => line.All(char.IsAscii)).ToArray();
        var hf = TrainOracle.Train(TrainOracle.TokenizerJson(TrainOracle.Whitespace, TrainOracle.EmptyBpe), lines);
        var (hfVocab, hfMerges) = Read(hf.Trained);

        string corpus = Path.Combine(Path.GetTempPath(), $"manabi-bpe-{Guid.NewGuid():N}.txt");
        File.WriteAllText(corpus, string.Concat(lines.Select(line => line + "\n")));
        try
        {
            var whitespace = new System.Text.RegularExpressions.Regex(@"\w+|[^\w\s]+", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            var result = new BpeTrainer().TrainFromFiles([corpus], line => whitespace.Matches(line).Select(m => m.Value));
            AssertSameMerges(hfMerges, result.Merges);
            AssertSameVocabulary(hfVocab, result.Vocabulary);
        }
        finally
        {
            File.Delete(corpus);
        }
    }

    internal static (Dictionary<string, int> Vocab, (string, string)[] Merges) Read(JsonDocument trained)
    {
        var model = trained.RootElement.GetProperty("model");
        var vocab = model.GetProperty("vocab").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.ValueKind == JsonValueKind.Array
                ? (m[0].GetString()!, m[1].GetString()!)
                : (m.GetString()!.Split(' ')[0], m.GetString()!.Split(' ')[1]))
            .ToArray();
        return (vocab, merges);
    }

    internal static void AssertSameMerges(IReadOnlyList<(string, string)> expected, IReadOnlyList<(string Left, string Right)> actual)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            Assert.True(expected[i] == actual[i], $"merge {i}: HF {expected[i]}, Manabi {actual[i]}");
        }
        Assert.Equal(expected.Count, actual.Count);
    }

    internal static void AssertSameVocabulary(IReadOnlyDictionary<string, int> expected, IReadOnlyDictionary<string, int> actual)
    {
        var byId = expected.OrderBy(e => e.Value).ToArray();
        foreach (var (token, id) in byId)
        {
            Assert.True(actual.TryGetValue(token, out int mine), $"HF token {token} (id {id}) is missing");
            Assert.True(mine == id, $"token {token}: HF id {id}, Manabi {mine}");
        }
        Assert.Equal(expected.Count, actual.Count);
    }
}
