namespace Manabi.Text.Tests.Pipeline;

public class PreTokenizedTextTests
{
    private sealed class CharModel : ITokenizationModel
    {
        public int VocabularySize => 0x110000;

        public string? GetToken(int id) => char.ConvertFromUtf32(id);

        public bool TryGetId(string token, out int id)
        {
            id = char.ConvertToUtf32(token, 0);
            return true;
        }

        public void Tokenize(ReadOnlySpan<char> piece, List<ModelToken> output)
        {
            for (int i = 0; i < piece.Length;)
            {
                int width = char.IsHighSurrogate(piece[i]) && i + 1 < piece.Length ? 2 : 1;
                var s = piece.Slice(i, width).ToString();
                output.Add(new ModelToken(char.ConvertToUtf32(s, 0), s, i, i + width));
                i += width;
            }
        }
    }

    [Fact]
    public void Splits_drop_empty_pieces_and_keep_original_offsets()
    {
        var text = new PreTokenizedText("  Hello  wörld ");
        text.Split((_, n) => n.Split(CharPredicatePattern.Char(' '), SplitDelimiterBehavior.Removed));
        Assert.Equal([("Hello", (2, 7)), ("wörld", (9, 14))], text.GetSplits());
        Assert.Equal([("Hello", (0, 5)), ("wörld", (5, 10))], text.GetSplits(OffsetReferential.Normalized));
    }

    [Fact]
    public void Encoding_maps_token_offsets_through_normalization()
    {
        var normalized = new NormalizedText("Aİ b😀");
        normalized.Lowercase();
        var text = new PreTokenizedText(normalized);
        text.Split((_, n) => n.Split(CharPredicatePattern.Char(' '), SplitDelimiterBehavior.Removed));
        text.Tokenize(new CharModel());
        var encoding = text.ToEncoding();
        Assert.Equal(["a", "i", "\u0307", "b", "😀"], encoding.Tokens);
        Assert.Equal([(0, 1), (1, 2), (1, 2), (3, 4), (4, 6)], encoding.Offsets);
        Assert.Equal([0, 0, 0, 1, 1], encoding.WordIds);
        var fixedWord = text.ToEncoding(wordIndex: 7, typeId: 1);
        Assert.All(fixedWord.WordIds, w => Assert.Equal(7, w));
        Assert.All(fixedWord.TypeIds, t => Assert.Equal(1, t));
    }

    [Fact]
    public void Tokenized_pieces_are_not_split_again_and_untokenized_encoding_throws()
    {
        var text = new PreTokenizedText("ab cd");
        Assert.Throws<InvalidOperationException>(() => text.ToEncoding());
        text.Split((_, n) => n.Split(CharPredicatePattern.Char(' '), SplitDelimiterBehavior.Isolated));
        Assert.Equal(3, text.Count);
        text.Tokenize(new CharModel());
        text.Split((_, n) => throw new InvalidOperationException("must not be called on tokenized pieces"));
        Assert.Equal(5, text.ToEncoding().Length);
        Assert.True(text.IsTokenized(0));
        Assert.Equal(2, text.GetTokens(0).Length);
    }

    [Fact]
    public void Empty_text_gives_an_empty_encoding()
    {
        var text = new PreTokenizedText("");
        text.Split((_, n) => n.Split(CharPredicatePattern.Char(' '), SplitDelimiterBehavior.Removed));
        Assert.Equal(0, text.Count);
        Assert.Equal(0, text.ToEncoding().Length);
    }
}
