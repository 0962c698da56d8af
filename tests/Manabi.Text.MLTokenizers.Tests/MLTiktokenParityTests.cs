using Microsoft.ML.Tokenizers;
using MLTokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace Manabi.Text.MLTokenizers.Tests;

/// <summary>
/// The adapter over Manabi's o200k tokenizers (GPT-4o's tokenizer.json and Manabi's tiktoken encoding) against
/// Microsoft.ML.Tokenizers' own TiktokenTokenizer for o200k_base: the same ids, counts, token limits and indexes.
/// </summary>
public sealed class MLTiktokenParityTests
{
    private static readonly MLTokenizer Reference = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string source in new[] { "gpt4o tokenizer.json", "tiktoken o200k_base" })
        {
            foreach (string text in RealTokenizers.Corpus())
            {
                data.Add(source, text);
            }
        }
        return data;
    }

    private static MLTokenizer Adapter(string source) => source == "gpt4o tokenizer.json"
        ? RealTokenizers.Get("gpt4o").AsMLTokenizer()
        : Manabi.Text.TiktokenTokenizer.Create("o200k_base").AsMLTokenizer();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ids_counts_and_decoding_match_MLTokenizers_TiktokenTokenizer(string source, string text)
    {
        MLTokenizer adapter = Adapter(source);
        var expected = Reference.EncodeToIds(text);
        Assert.Equal(expected, adapter.EncodeToIds(text));
        Assert.Equal(Reference.CountTokens(text), adapter.CountTokens(text));
        Assert.Equal(Reference.Decode(expected), adapter.Decode(expected));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Token_limits_and_indexes_match_MLTokenizers_TiktokenTokenizer(string source, string text)
    {
        MLTokenizer adapter = Adapter(source);
        int count = Reference.CountTokens(text);
        for (int max = 1; max <= count + 1; max++)
        {
            var expectedIds = Reference.EncodeToIds(text, max, out _, out int expectedConsumed);
            var ids = adapter.EncodeToIds(text, max, out _, out int charsConsumed);
            Assert.Equal(expectedIds, ids);
            Assert.Equal(expectedConsumed, charsConsumed);

            int expectedIndex = Reference.GetIndexByTokenCount(text, max, out _, out int expectedCount);
            Assert.Equal(expectedIndex, adapter.GetIndexByTokenCount(text, max, out _, out int tokenCount));
            Assert.Equal(expectedCount, tokenCount);

            expectedIndex = Reference.GetIndexByTokenCountFromEnd(text, max, out _, out expectedCount);
            Assert.Equal(expectedIndex, adapter.GetIndexByTokenCountFromEnd(text, max, out _, out tokenCount));
            Assert.Equal(expectedCount, tokenCount);
        }
    }

    [Theory]
    [InlineData("hi<|endoftext|>there")]
    [InlineData("<|endofprompt|>")]
    public void Special_tokens_in_the_text_become_their_ids_as_in_MLTokenizers(string text)
    {
        MLTokenizer adapter = Manabi.Text.TiktokenTokenizer.Create("o200k_base").AsMLTokenizer();
        Assert.Equal(Reference.EncodeToIds(text), adapter.EncodeToIds(text));
        Assert.Equal(Reference.CountTokens(text), adapter.CountTokens(text));
        Assert.Equal(text, adapter.Decode(adapter.EncodeToIds(text)));
        Assert.Equal(text.Replace("<|endoftext|>", "", StringComparison.Ordinal).Replace("<|endofprompt|>", "", StringComparison.Ordinal),
            Manabi.Text.TiktokenTokenizer.Create("o200k_base").AsMLTokenizer(skipSpecialTokensOnDecode: true).Decode(adapter.EncodeToIds(text)));
    }
}
