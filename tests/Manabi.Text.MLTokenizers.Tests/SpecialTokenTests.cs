using Microsoft.ML.Tokenizers;
using MLTokenizer = Microsoft.ML.Tokenizers.Tokenizer;

namespace Manabi.Text.MLTokenizers.Tests;

/// <summary>addSpecialTokens: the post-processor's tokens around the content, in every method, with room kept under a limit.</summary>
public sealed class SpecialTokenTests
{
    [Theory]
    [InlineData("bert", "Hello world, this is BERT.", 1, 1)]     // [CLS] ... [SEP]
    [InlineData("llama2", "Hello world, this is Llama.", 1, 0)]  // <s> ... (its template)
    [InlineData("llama3", "Hello world, this is Llama.", 0, 0)]  // this tokenizer.json adds none (ByteLevel post-processor)
    public void Special_tokens_wrap_the_content_as_the_post_processor_adds_them(string name, string text, int before, int after)
    {
        var tokenizer = RealTokenizers.Get(name);
        var adapter = tokenizer.AsMLTokenizer(addSpecialTokens: true);
        Assert.True(adapter.AddsSpecialTokens);
        var expected = tokenizer.Encode(text, addSpecialTokens: true);
        int content = expected.Length - before - after;

        Assert.Equal(expected.Ids, adapter.EncodeToIds(text));
        Assert.Equal(expected.Length, adapter.CountTokens(text));
        var tokens = adapter.EncodeToTokens(text, out _);
        Assert.Equal(expected.Ids, tokens.Select(t => t.Id));
        Assert.Equal(expected.Tokens, tokens.Select(t => t.Value));
        Assert.All(tokens.Take(before), t => Assert.Equal(new Range(0, 0), t.Offset));
        Assert.All(tokens.Skip(before + content), t => Assert.Equal(new Range(text.Length, text.Length), t.Offset));

        // A limit keeps room for the special tokens, as HF's truncation does.
        int max = before + after + 3;
        var ids = adapter.EncodeToIds(text, max, out _, out int charsConsumed);
        Assert.Equal(expected.Ids.Take(before + 3).Concat(expected.Ids.Skip(before + content)), ids);
        Assert.Equal(expected.Offsets[before + 2].End, charsConsumed);
        Assert.Equal(charsConsumed, adapter.GetIndexByTokenCount(text, max, out _, out int tokenCount));
        Assert.Equal(max, tokenCount);
        var cut = adapter.EncodeToTokens(text[..charsConsumed], out _);
        Assert.Equal(ids, cut.Select(t => t.Id));

        // Not even the special tokens fit: nothing does.
        if (before + after > 1)
        {
            Assert.Empty(adapter.EncodeToIds(text, before + after - 1, out _, out charsConsumed));
            Assert.Equal(0, charsConsumed);
        }

        // Decoding keeps them unless told, as Microsoft.ML.Tokenizers' Decode(ids) does.
        Assert.Equal(tokenizer.Decode(expected.Ids, skipSpecialTokens: false), adapter.Decode(expected.Ids));
        MLTokenizer skipping = tokenizer.AsMLTokenizer(addSpecialTokens: true, skipSpecialTokensOnDecode: true);
        Assert.Equal(tokenizer.Decode(expected.Ids, skipSpecialTokens: true), skipping.Decode(expected.Ids));
    }

    [Fact]
    public void Without_addSpecialTokens_none_are_added()
    {
        var tokenizer = RealTokenizers.Get("bert");
        var adapter = tokenizer.AsMLTokenizer();
        Assert.False(adapter.AddsSpecialTokens);
        Assert.Equal(tokenizer.Encode("hello", addSpecialTokens: false).Ids, adapter.EncodeToIds("hello"));
        Assert.Equal(1, adapter.CountTokens("hello"));
    }
}
