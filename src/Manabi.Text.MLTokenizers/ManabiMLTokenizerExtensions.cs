namespace Manabi.Text.MLTokenizers;

/// <summary>Wraps Manabi tokenizers as <see cref="Microsoft.ML.Tokenizers.Tokenizer"/>s.</summary>
public static class ManabiMLTokenizerExtensions
{
    /// <summary>
    /// <paramref name="tokenizer"/> as a <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> (see <see cref="ManabiMLTokenizer"/>
    /// for offsets, settings and special tokens).
    /// </summary>
    /// <param name="tokenizer">The tokenizer.json pipeline; its truncation and padding are not used.</param>
    /// <param name="addSpecialTokens">Whether every encoding, count and index includes the post-processor's special tokens.</param>
    /// <param name="skipSpecialTokensOnDecode">Whether decoding drops special tokens.</param>
    public static ManabiMLTokenizer AsMLTokenizer(this Tokenizer tokenizer, bool addSpecialTokens = false, bool skipSpecialTokensOnDecode = false) =>
        new(tokenizer, addSpecialTokens, skipSpecialTokensOnDecode);

    /// <summary><paramref name="tokenizer"/> as a <see cref="Microsoft.ML.Tokenizers.Tokenizer"/> (see <see cref="ManabiMLTokenizer"/>).</summary>
    /// <param name="tokenizer">The tiktoken encoding.</param>
    /// <param name="skipSpecialTokensOnDecode">Whether decoding drops special tokens.</param>
    public static ManabiMLTokenizer AsMLTokenizer(this TiktokenTokenizer tokenizer, bool skipSpecialTokensOnDecode = false) =>
        new(tokenizer, skipSpecialTokensOnDecode);
}
