using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Models;

/// <summary>
/// The BPE and Unigram models inside the general <see cref="Tokenizer"/>: real files with their added (special) tokens
/// and post-processors kept and their normalizer, pre-tokenizer and decoder removed, so that whole lines reach the
/// model (spaces through llama2's byte fallback, dropped characters in llama3), compared with HF's full encode;
/// then the tokenizer.json this library writes, which HF must load and encode the same.
/// </summary>
public sealed class ModelPipelineTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("llama2", "<s>")]
    [InlineData("llama3", "<|begin_of_text|>")]
    [InlineData("gemma3", "<start_of_turn>")]
    public void Bare_real_tokenizers_encode_as_hf(string name, string special)
    {
        var json = JsonNode.Parse(File.ReadAllText(TokenizersOracle.RealTokenizer(name)))!;
        json["normalizer"] = null;
        json["pre_tokenizer"] = null;
        json["decoder"] = null;
        string bare = json.ToJsonString();
        var texts = ModelParity.Heldout(300).Concat(ModelParity.Stress(40)).Concat(ModelParity.Adversarial)
            .Append($"a{special}b {special}").ToList();
        var tokenizer = Tokenizer.FromJson(bare);
        int compared = Compare(tokenizer, bare, texts, name);
        // What this library writes, HF loads and encodes alike.
        Compare(tokenizer, tokenizer.ToJson(), texts.Take(100).ToList(), name + " (written by Manabi)");
        output.WriteLine($"{name}: {compared} texts identical to HF");
    }

    [Fact]
    public void A_unigram_tokenizer_encodes_as_hf()
    {
        string json = UnigramModelParityTests.TokenizerJson(UnigramModelParityTests.Build(UnigramModelParityTests.Variant.ByteFallback));
        var texts = ModelParity.Heldout(300).Select(t => t.Replace(' ', '▁')).Concat(ModelParity.Stress(40)).Concat(ModelParity.Adversarial).ToList();
        Compare(Tokenizer.FromJson(json), json, texts, "unigram");
    }

    private static int Compare(Tokenizer tokenizer, string json, List<string> texts, string label)
    {
        var request = new JsonObject
        {
            ["tokenizerJson"] = json,
            ["texts"] = new JsonArray(texts.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["decode"] = false,
        };
        var expected = TokenizersOracle.Encode(request);
        for (int i = 0; i < texts.Count; i++)
        {
            var e = expected[i]!;
            Assert.True(e["error"] is null, $"{label}: HF failed on {ModelParity.Show(texts[i])}: {e["error"]}");
            var actual = tokenizer.Encode(texts[i]);
            var offsets = TokenizersOracle.Offsets(e["offsets"]).Select(o => TokenizersOracle.ToUtf16(o, texts[i])).ToArray();
            Assert.True(TokenizersOracle.Ints(e["ids"]).SequenceEqual(actual.Ids), $"{label}: ids differ on {ModelParity.Show(texts[i])}\n  HF:     {string.Join(",", TokenizersOracle.Ints(e["ids"]))}\n  Manabi: {string.Join(",", actual.Ids)}");
            Assert.True(TokenizersOracle.Strings(e["tokens"]).SequenceEqual(actual.Tokens), $"{label}: tokens differ on {ModelParity.Show(texts[i])}");
            Assert.True(offsets.SequenceEqual(actual.Offsets), $"{label}: offsets differ on {ModelParity.Show(texts[i])}\n  HF:     {string.Join(" ", offsets)}\n  Manabi: {string.Join(" ", actual.Offsets)}");
        }
        return texts.Count;
    }
}
