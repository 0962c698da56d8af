using System.Diagnostics;
using System.Text.Json;
using Manabi.TestSupport;
using Xunit.Abstractions;

namespace Manabi.Text.Tests;

/// <summary>Training quality against HF's WordPiece trainer on the same 95% split (hf-training-stats.json).</summary>
public class TrainerParityTests(ITestOutputHelper output)
{
    [Fact]
    public void TrainingSplitHasHfLineCount() => Assert.Equal(306559, TrainingCorpus.Lines.Count);

    [Theory]
    [InlineData(8000)]
    [InlineData(30000)]
    public void FertilityIsWithinOnePercentOfHfWithNoUnknownTokens(int vocabSize)
    {
        var stopwatch = Stopwatch.StartNew();
        var vocabulary = new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = vocabSize }).Train(TrainingCorpus.Lines);
        double seconds = stopwatch.Elapsed.TotalSeconds;
        Assert.Equal(vocabSize, vocabulary.Count);
        Assert.Equal(WordPieceTokenizer.BertSpecialTokens, Enumerable.Range(0, 5).Select(i => vocabulary[i]));

        var (fertility, unknown) = Fertility(vocabulary);
        using var stats = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tokenizer", "hf-training-stats.json")));
        double hf = stats.RootElement.GetProperty($"{vocabSize}").GetProperty("fertility").GetDouble();
        var hfVocabulary = WordPieceVocabulary.Load(Fixtures.Path("tokenizer", $"hf-trained-{vocabSize}", "vocab.txt"));
        int overlap = vocabulary.Entries.Count(e => hfVocabulary.Contains(e.Token));
        output.WriteLine($"trained in {seconds:F2} s; fertility {fertility:F4} vs HF {hf:F4} ({(fertility / hf - 1) * 100:+0.00;-0.00}%); " +
            $"[UNK] {unknown}; overlap with HF vocab {overlap}/{hfVocabulary.Count}");
        Assert.Equal(0, unknown);
        Assert.InRange(fertility / hf, 0.99, 1.01);
    }

    internal static (double Fertility, int Unknown) Fertility(WordPieceVocabulary vocabulary)
    {
        var tokenizer = WordPieceTokenizer.CreateBert(vocabulary);
        long words = 0, tokens = 0;
        int unknown = 0;
        Span<int> ids = new int[4096];
        foreach (string line in TrainingCorpus.HeldOut)
        {
            var (w, t) = tokenizer.CountWordsAndTokens(line);
            words += w;
            tokens += t;
            int n = tokenizer.EncodeToIds(line, ids, addSpecialTokens: false);
            unknown += ids[..n].Count(tokenizer.Model.UnknownId);
        }
        return ((double)tokens / words, unknown);
    }
}
