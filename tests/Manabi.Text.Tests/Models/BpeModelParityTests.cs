using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Models;

/// <summary>
/// BpeModel against HF tokenizers 0.23.2 on the real tokenizer.json files: every distinct pre-token of held-out
/// English, the stress texts (Japanese, fuzz) and adversarial strings, id for id, token for token, offset for offset.
/// </summary>
public sealed class BpeModelParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("llama3")]
    [InlineData("qwen3")]
    [InlineData("gpt4o")]
    [InlineData("deepseek_v3")]
    [InlineData("llama2")]
    [InlineData("gemma3")]
    public void Real_tokenizer_models_match_hf_piece_by_piece(string name)
    {
        string path = TokenizersOracle.RealTokenizer(name);
        var texts = ModelParity.Heldout(1500).Concat(ModelParity.Stress(5)).Concat(ModelParity.Adversarial).ToList();
        // Raw pieces outside the model's alphabet: byte-level vocabularies lack them, so HF drops them (no unk) and
        // later offsets shift; sentencepiece-style ones take the unknown or byte-fallback path.
        string[] raw = ["東京abc", "a東b", "x😀y", "\u0001z", "éé", "Ġhello東", "▁東京▁😀▁x"];
        JsonArray oracle = ModelParity.Oracle(path, null, texts, raw);
        var model = (BpeModel)ModelParity.ReadModel(File.ReadAllText(path));
        int compared = ModelParity.AssertSame(oracle, p => ModelParity.Tokens(model, p), name);
        // Again, now from the word cache.
        ModelParity.AssertSame(oracle, p => ModelParity.Tokens(model, p), name + " (cached)");
        output.WriteLine($"{name}: {compared} distinct pieces identical to HF");
        Assert.True(compared > 3000, $"only {compared} pieces compared");
    }

    [Theory]
    [InlineData("llama3")]
    [InlineData("llama2")]
    public void The_rescanning_merge_equals_the_heap_merge(string name)
    {
        // Short words merge by rescanning, long ones (and dropout) through HF's heap: both must agree on every word.
        var model = (BpeModel)ModelParity.ReadModel(File.ReadAllText(TokenizersOracle.RealTokenizer(name)));
        JsonArray oracle = ModelParity.Oracle(TokenizersOracle.RealTokenizer(name), null, ModelParity.Heldout(400).Concat(ModelParity.Adversarial));
        int words = 0;
        foreach (var item in oracle)
        {
            string piece = item!["piece"]!.GetValue<string>();
            int[] scanned = model.MergeWord(piece, null);
            int[] heaped = model.MergeWord(piece, null, forceHeap: true);
            Assert.True(scanned.SequenceEqual(heaped), $"{name}: {ModelParity.Show(piece)}: [{string.Join(",", scanned)}] vs heap [{string.Join(",", heaped)}]");
            words++;
        }
        Assert.True(words > 300, $"only {words} words compared");
    }
}
