namespace Manabi.Text.Tests.Pipeline;

/// <summary>The Tokenizer's API beyond parity: counting, vocabulary look-ups, cancellation, user stages.</summary>
public class TokenizerApiTests
{
    private static readonly Dictionary<string, int> Vocabulary = new() { ["[UNK]"] = 0, ["hello"] = 1, ["world"] = 2, ["[SEP]"] = 3 };

    private sealed class SpaceSplit : IPreTokenizer
    {
        public void PreTokenize(PreTokenizedText text) =>
            text.Split((_, n, output) => n.Split(CharPredicatePattern.Char(' '), SplitDelimiterBehavior.Removed, output));
    }

    private static Tokenizer Create(IPostProcessor? postProcessor = null) => new(new WordLevelModel(Vocabulary, "[UNK]"),
        preTokenizer: new SpaceSplit(), postProcessor: postProcessor ?? new BertPostProcessor("[CLS]", 4, "[SEP]", 3),
        addedTokens: [new AddedToken("[CLS]", 0), new AddedToken("[SEP]", 0)]);

    [Fact]
    public void Added_tokens_get_model_ids_or_the_next_free_ones()
    {
        var tokenizer = Create();
        Assert.Equal([("[SEP]", 3), ("[CLS]", 4)], tokenizer.AddedTokens.Select(t => (t.Content, t.Id)));
        Assert.Equal(4, tokenizer.TokenToId("[CLS]"));
        Assert.Equal(2, tokenizer.TokenToId("world"));
        Assert.Null(tokenizer.TokenToId("nope"));
        Assert.Equal("[CLS]", tokenizer.IdToToken(4));
        Assert.Equal(5, tokenizer.GetVocabularySize());
        Assert.Equal(4, tokenizer.GetVocabularySize(withAddedTokens: false));
    }

    [Fact]
    public void Count_tokens_ignores_truncation_and_padding()
    {
        var tokenizer = Create().WithTruncation(new TruncationOptions(3)).WithPadding(new PaddingOptions(10));
        Assert.Equal(4, tokenizer.CountTokens("hello world [SEP]x"));
        Assert.Equal(6, tokenizer.CountTokens("hello world [SEP]x", addSpecialTokens: true));
        Assert.Equal(10, tokenizer.Encode("hello world [SEP]x").Length);
        Assert.Equal([4, 1, 3, 0, 0, 0, 0, 0, 0, 0], tokenizer.Encode("hello world [SEP]x").Ids);
    }

    [Fact]
    public void Batches_are_cancellable()
    {
        var tokenizer = Create();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => tokenizer.EncodeBatch(["hello", "world"], cancellationToken: cancelled.Token));
        Assert.Equal(2, tokenizer.EncodeBatch(["hello", "world"]).Count);
    }

    [Fact]
    public void A_stride_beyond_the_effective_length_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Create().WithTruncation(new TruncationOptions(4, stride: 3)));
        Assert.Contains("stride", e.Message);
    }

    private sealed class Shout : IPostProcessor
    {
        public int AddedTokens(bool isPair) => 0;

        public TokenEncoding Process(TokenEncoding first, TokenEncoding? second, bool addSpecialTokens) =>
            new Tokenizer(new WordLevelModel(new Dictionary<string, int> { ["!"] = 9 }, "!")).Encode("!", addSpecialTokens: false);
    }

    [Fact]
    public void User_post_processors_run_inside_a_sequence()
    {
        var tokenizer = Create(new SequencePostProcessor([new BertPostProcessor("[CLS]", 4, "[SEP]", 3), new Shout()]));
        Assert.Equal([9], tokenizer.Encode("hello world").Ids);
        Assert.Equal(2, tokenizer.PostProcessor!.AddedTokens(false));
    }

    [Fact]
    public void Decode_without_a_decoder_joins_with_spaces_and_skips_special_tokens()
    {
        var tokenizer = Create();
        var ids = tokenizer.Encode("hello [SEP]world").Ids;
        Assert.Equal([4, 1, 3, 2, 3], ids);
        Assert.Equal("hello world", tokenizer.Decode(ids));
        Assert.Equal("[CLS] hello [SEP] world [SEP]", tokenizer.Decode(ids, skipSpecialTokens: false));
        Assert.Equal("hello", tokenizer.Decode([1, 77]));
    }
}
