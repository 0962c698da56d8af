using System.Text.Json;
using Manabi.TestSupport;

namespace Manabi.Text.Tests;

/// <summary>Decoding, truncation errors, padding, the span and batch APIs, and invariant-globalization safety.</summary>
public class BehaviourTests
{
    [Fact]
    public void DecodeOfEncodeMatchesHfDecodeOnGoldenTexts()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tokenizer", "hf-decode-golden.json")));
        foreach (var item in document.RootElement.GetProperty("items").EnumerateArray())
        {
            var ids = Golden.Uncased.Encode(item.GetProperty("text").GetString()!).Ids;
            Assert.Equal(item.GetProperty("decoded").GetString(), Golden.Uncased.Decode(ids));
            Assert.Equal(item.GetProperty("decoded_with_special").GetString(), Golden.Uncased.Decode(ids, skipSpecialTokens: false));
        }
    }

    [Fact]
    public void TransformersBertTokenizerAgreesWhereHfFastDoes()
    {
        // transformers' Python BertTokenizer differs from the Rust one only on a few documented inputs; count them.
        using var document = JsonDocument.Parse(File.ReadAllBytes(Fixtures.Path("tokenizer", "transformers-bert-tokens.json")));
        int same = document.RootElement.EnumerateArray().Count(item =>
            Golden.Strings(item.GetProperty("tokens")).SequenceEqual(Golden.Uncased.Encode(item.GetProperty("text").GetString()!, false).Tokens));
        Assert.InRange(same, 55, 60);
    }

    [Fact]
    public void AccentsAreStrippedUnderInvariantGlobalization()
    {
        Assert.True(AppContext.TryGetSwitch("System.Globalization.Invariant", out bool invariant) && invariant);
        Assert.Equal("cafe resume naive", BertNormalizer.Uncased.Normalize("Café résumé naïve"));
        Assert.Equal(["cafe", "resume"], Golden.Uncased.PreTokenize("CAFÉ Résumé"));
        Assert.Equal("9.0.0", BertNormalizer.UnicodeVersion);
    }

    [Fact]
    public void OnlySecondWithoutPairAndTooShortSequencesFailLikeHf()
    {
        var onlySecond = Golden.Uncased.WithTruncation(new TruncationOptions(8, TruncationStrategy.OnlySecond));
        Assert.Equal("Truncation error: Second sequence not provided",
            Assert.Throws<TruncationException>(() => onlySecond.Encode("one two three four five six seven eight nine")).Message);
        Assert.Equal("Truncation error: Sequence to truncate too short to respect the provided max_length",
            Assert.Throws<TruncationException>(() => onlySecond.Encode("one two three four five six seven", "a b")).Message);
        Assert.Throws<ArgumentException>(() => Golden.Uncased.WithTruncation(new TruncationOptions(8, stride: 7)));
    }

    [Fact]
    public void StrideProducesOverlappingOverflowWindows()
    {
        var tokenizer = Golden.Uncased.WithTruncation(new TruncationOptions(6, stride: 2));
        var encoding = tokenizer.Encode("one two three four five six seven eight nine ten");
        Assert.Equal(["[CLS]", "one", "two", "three", "four", "[SEP]"], encoding.Tokens);
        // HF 0.23 stops tokenizing once max_length tokens exist, so the windows cover the first 6 words only.
        Assert.Equal(["[CLS]", "three", "four", "five", "six", "[SEP]"], encoding.Overflowing[0].Tokens);
        Assert.Single(encoding.Overflowing);
    }

    [Fact]
    public void FixedLeftPaddingToMultipleFillsMasks()
    {
        var tokenizer = Golden.Uncased.WithPadding(new PaddingOptions(5) { Direction = PaddingDirection.Left, PadToMultipleOf = 4 });
        var encoding = tokenizer.Encode("hello world");
        Assert.Equal([0, 0, 0, 0, 101, 7592, 2088, 102], encoding.Ids);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], encoding.AttentionMask);
        Assert.Equal([1, 1, 1, 1, 1, 0, 0, 1], encoding.SpecialTokensMask);
        Assert.Equal([-1, -1, -1, -1, -1, 0, 1, -1], encoding.WordIds);
    }

    [Fact]
    public void SpanApiDoesNotAllocateInSteadyState()
    {
        string text = string.Join(' ', TrainingCorpus.HeldOut.Take(50));
        var ids = new int[8192];
        Golden.Uncased.EncodeToIds(text, ids);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Golden.Uncased.EncodeToIds(text, ids);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BatchEqualsOneByOneInOrder()
    {
        var texts = TrainingCorpus.HeldOut.Take(2000).ToList();
        var batch = Golden.Uncased.EncodeBatch(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.Equal(Golden.Uncased.Encode(texts[i]).Ids, batch[i].Ids);
        }
        var ids = new int[texts.Count * 64];
        var mask = new int[texts.Count * 64];
        int longest = Golden.Uncased.EncodeBatchToIds(texts, ids, mask, 64);
        Assert.InRange(longest, 3, 64);
        var expected = Golden.Uncased.WithTruncation(new TruncationOptions(64)).Encode(texts[7]).Ids;
        Assert.Equal(expected, ids.AsSpan(7 * 64, expected.Count).ToArray());
    }

    [Theory]
    [InlineData(3000, 32, 0, true)]
    [InlineData(3000, 128, 7, false)]
    [InlineData(37, 16, 0, true)]
    public void BatchToIdsGivesTheSameMatricesOnOneThreadAndOnEveryCore(int count, int rowLength, int padId, bool addSpecialTokens)
    {
        // 3,000 rows make many full chunks per thread; 37 make chunks of one row.
        var texts = TrainingCorpus.HeldOut.Take(count).ToList();
        int[] Run(int threads, out int[] mask, out int longest)
        {
            var ids = Enumerable.Repeat(-5, texts.Count * rowLength).ToArray();
            mask = Enumerable.Repeat(-5, texts.Count * rowLength).ToArray();
            longest = Golden.Uncased.EncodeBatchToIds(texts, ids, mask, rowLength, padId, addSpecialTokens, threads);
            return ids;
        }
        var oneIds = Run(1, out var oneMask, out int oneLongest);
        var allIds = Run(-1, out var allMask, out int allLongest);
        var fourIds = Run(4, out var fourMask, out int fourLongest);
        Assert.Equal(oneIds, allIds);
        Assert.Equal(oneMask, allMask);
        Assert.Equal(oneIds, fourIds);
        Assert.Equal(oneMask, fourMask);
        Assert.Equal(oneLongest, allLongest);
        Assert.Equal(oneLongest, fourLongest);
        var truncated = Golden.Uncased.WithTruncation(new TruncationOptions(rowLength));
        int expectedLongest = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            var expected = truncated.Encode(texts[i], addSpecialTokens).Ids;
            expectedLongest = Math.Max(expectedLongest, expected.Count);
            var row = oneIds.AsSpan(i * rowLength, rowLength);
            Assert.Equal(expected, row[..expected.Count].ToArray());
            Assert.True(row[expected.Count..].IndexOfAnyExcept(padId) < 0, $"row {i} is not padded with {padId}");
            var mask = oneMask.AsSpan(i * rowLength, rowLength);
            Assert.True(mask[..expected.Count].IndexOfAnyExcept(1) < 0 && mask[expected.Count..].IndexOfAnyExcept(0) < 0,
                $"row {i} has a wrong attention mask");
        }
        Assert.Equal(expectedLongest, oneLongest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public void BatchToIdsRejectsAnImpossibleDegreeOfParallelism(int threads)
    {
        var ids = new int[16];
        var mask = new int[16];
        var error = Assert.ThrowsAny<ArgumentException>(() => Golden.Uncased.EncodeBatchToIds(["a b"], ids, mask, 16,
            maxDegreeOfParallelism: threads));
        Assert.Equal("maxDegreeOfParallelism", error.ParamName);
        Assert.Contains("maxDegreeOfParallelism", error.Message);
    }

    [Fact]
    public void BatchToIdsOfNoTextsWritesNothing()
    {
        Assert.Equal(0, Golden.Uncased.EncodeBatchToIds([], [], [], 8));
        Assert.Equal(0, Golden.Uncased.EncodeBatchToIds([], [], [], 8, maxDegreeOfParallelism: 1));
    }

    [Fact]
    public void LikelihoodScoringTrainsAUsableVocabulary()
    {
        var options = new WordPieceTrainerOptions { VocabSize = 400, Scoring = WordPieceScoring.Likelihood };
        var vocabulary = new WordPieceTrainer(options).Train(TrainingCorpus.HeldOut.Take(3000).ToList());
        Assert.Equal(400, vocabulary.Count);
        var tokenizer = WordPieceTokenizer.CreateBert(vocabulary);
        Assert.DoesNotContain(tokenizer.Model.UnknownId, tokenizer.Encode("the quick brown fox", false).Ids);
    }

    [Fact]
    public void TrainingIsDeterministic()
    {
        var lines = TrainingCorpus.HeldOut.Take(4000).ToList();
        var first = new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = 1500 }).Train(lines);
        var second = new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = 1500 }).Train(lines);
        Assert.Equal(first.Entries, second.Entries);
    }
}
