using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Models;

/// <summary>
/// UnigramModel against HF tokenizers 0.23.2: models built here from held-out substring counts (written by this
/// library's tokenizer.json writer, which HF must load), with and without an unknown piece, with byte fallback,
/// with scores rounded so that ties are common; every piece compared id for id and offset for offset.
/// </summary>
public sealed class UnigramModelParityTests(ITestOutputHelper output)
{
    public enum Variant { Unknown, RoundedScores, ByteFallback, PartialByteFallback, NoUnknown, UnknownLast }

    [Theory]
    [InlineData(Variant.Unknown)]
    [InlineData(Variant.RoundedScores)]
    [InlineData(Variant.ByteFallback)]
    [InlineData(Variant.PartialByteFallback)]
    [InlineData(Variant.NoUnknown)]
    [InlineData(Variant.UnknownLast)]
    public void Unigram_models_match_hf_piece_by_piece(Variant variant)
    {
        var model = Build(variant);
        string json = TokenizerJson(model);
        var texts = ModelParity.Heldout(1200).Concat(ModelParity.Stress(6)).Concat(ModelParity.Adversarial).ToList();
        // Metaspace-like pieces ("▁word") and whole lines: long pieces exercise the lattice, short ones the cache.
        var pieces = texts.SelectMany(t => ("▁" + t.Replace(' ', '▁')).Split('▁', StringSplitOptions.RemoveEmptyEntries).Select(w => "▁" + w))
            .Concat(texts.Take(300).Select(t => t.Replace(' ', '▁')))
            .Concat(["<unk>", "a<unk>b", "<0x41>", "東<unk>京"])
            .ToList();
        JsonArray oracle = ModelParity.Oracle(null, json, [], pieces);
        var reread = (UnigramModel)ModelParity.ReadModel(json);
        int compared = ModelParity.AssertSame(oracle, p => ModelParity.Tokens(reread, p), variant.ToString());
        ModelParity.AssertSame(oracle, p => ModelParity.Tokens(reread, p), variant + " (cached)");
        int errors = oracle.Count(i => i!["error"] is not null);
        output.WriteLine($"{variant}: {compared} distinct pieces identical to HF ({errors} rejected by both)");
        Assert.True(compared > 5000, $"only {compared} pieces compared");
        if (variant == Variant.NoUnknown)
        {
            Assert.True(errors > 10, "the model without unk_id should meet uncovered characters");
        }
    }

    /// <summary>A Unigram vocabulary of held-out substrings (1 to 8 characters, seen 3 times or more), scored by log frequency.</summary>
    internal static UnigramModel Build(Variant variant)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in ModelParity.Heldout(3000))
        {
            foreach (string word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string w = "▁" + word;
                for (int i = 0; i < w.Length; i++)
                {
                    for (int n = 1; n <= 8 && i + n <= w.Length; n++)
                    {
                        if (char.IsHighSurrogate(w[i + n - 1]))
                        {
                            continue;
                        }
                        string s = w.Substring(i, n);
                        counts[s] = counts.GetValueOrDefault(s) + 1;
                    }
                }
            }
        }
        var kept = counts.Where(e => e.Value >= 3).OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(12000).ToList();
        double total = kept.Sum(e => (double)e.Value);
        var vocab = new List<(string, double)>();
        if (variant != Variant.NoUnknown && variant != Variant.UnknownLast)
        {
            vocab.Add(("<unk>", 0.0));
        }
        if (variant is Variant.ByteFallback or Variant.PartialByteFallback)
        {
            for (int b = 0; b < (variant == Variant.ByteFallback ? 256 : 128); b++)
            {
                vocab.Add(($"<0x{b:X2}>", 0.0));
            }
        }
        foreach (var (piece, count) in kept)
        {
            // Longer pieces get a bonus so that the best path is not simply the fewest pieces; rounding makes ties.
            double score = Math.Log(count / total) + 0.3 * piece.Length;
            vocab.Add((piece, variant == Variant.RoundedScores ? Math.Round(score) : score));
        }
        if (variant == Variant.UnknownLast)
        {
            vocab.Add(("<unk>", 0.0));
        }
        int? unk = variant switch
        {
            Variant.NoUnknown => null,
            Variant.UnknownLast => vocab.Count - 1,
            _ => 0,
        };
        return new UnigramModel(vocab, unk, variant is Variant.ByteFallback or Variant.PartialByteFallback);
    }

    /// <summary>A whole tokenizer.json around the model, the model section written by <see cref="UnigramModelJson"/>.</summary>
    internal static string TokenizerJson(UnigramModel model)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("version", "1.0");
            foreach (string name in new[] { "truncation", "padding", "normalizer", "pre_tokenizer", "post_processor", "decoder" })
            {
                writer.WriteNull(name);
            }
            writer.WriteStartArray("added_tokens");
            writer.WriteEndArray();
            writer.WritePropertyName("model");
            UnigramModelJson.Write(writer, model);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
