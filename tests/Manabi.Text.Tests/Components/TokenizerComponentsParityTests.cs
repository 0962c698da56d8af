using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.Components;

/// <summary>
/// The components inside whole tokenizers (CORE's <see cref="Tokenizer"/> from tokenizer.json, a WordLevel model over
/// the commonest pieces) against HF's encode and decode: ids, tokens, UTF-16 offsets and decoded text on the corpus.
/// </summary>
public sealed class TokenizerComponentsParityTests
{
    public static TheoryData<string, string, string> Pipelines => new()
    {
        { """{"type":"NFKC"}""", """{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}""", """{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}""" },
        { """{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}""", """{"type":"BertPreTokenizer"}""", """{"type":"WordPiece","prefix":"##","cleanup":true}""" },
        { """{"type":"NFKC"}""", """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""", """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""" },
        { """{"type":"Sequence","normalizers":[{"type":"Nmt"},{"type":"NFKC"},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}""", """{"type":"Sequence","pretokenizers":[{"type":"WhitespaceSplit"},{"type":"Punctuation","behavior":"Isolated"},{"type":"Digits","individual_digits":true}]}""", """{"type":"Fuse"}""" },
        { """{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"StripAccents"},{"type":"Lowercase"}]}""", """{"type":"Whitespace"}""", """{"type":"WordPiece","prefix":"##","cleanup":false}""" },
        { """{"type":"Sequence","normalizers":[{"type":"NFKD"},{"type":"Strip","strip_left":true,"strip_right":true}]}""", """{"type":"Sequence","pretokenizers":[{"type":"UnicodeScripts"},{"type":"FixedLength","length":4}]}""", """{"type":"CTC","pad_token":"<pad>","word_delimiter_token":"|","cleanup":true}""" },
    };

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Tokenizer_with_components_matches_HF(string normalizer, string preTokenizer, string decoder)
    {
        string[] texts = ComponentCorpus.OracleTexts;
        string json = TokenizerJson(normalizer, preTokenizer, decoder, texts);
        Tokenizer tokenizer = Tokenizer.FromJson(json);
        JsonArray expected = TokenizersOracle.Encode(new JsonObject
        {
            ["tokenizerJson"] = json,
            ["texts"] = ComponentCorpus.ToJson(texts),
            ["addSpecialTokens"] = false,
        });
        int known = 0, total = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            string text = texts[i];
            TokenEncoding mine = tokenizer.Encode(text, addSpecialTokens: false);
            known += mine.Ids.Count(id => id != 0);
            total += mine.Ids.Count;
            JsonNode hf = expected[i]!;
            string where = $"{normalizer} | {preTokenizer} on {ComponentCorpus.Show(text)}";
            Assert.True(TokenizersOracle.Strings(hf["tokens"]).SequenceEqual(mine.Tokens),
                $"{where}: tokens\nHF      {Golden.Show(TokenizersOracle.Strings(hf["tokens"]).Select(ComponentCorpus.Show))}\nManabi  {Golden.Show(mine.Tokens.Select(ComponentCorpus.Show))}");
            Assert.True(TokenizersOracle.Ints(hf["ids"]).SequenceEqual(mine.Ids), $"{where}: ids");
            var offsets = TokenizersOracle.Offsets(hf["offsets"]).Select(o => TokenizersOracle.ToUtf16(o, text)).ToArray();
            Assert.True(offsets.SequenceEqual(mine.Offsets), $"{where}: offsets\nHF      {Golden.Show(offsets)}\nManabi  {Golden.Show(mine.Offsets)}");
            string decoded = tokenizer.Decode(mine.Ids);
            Assert.True(hf["decoded"]!.GetValue<string>() == decoded,
                $"{where} with {decoder}: decoded\nHF      {ComponentCorpus.Show(hf["decoded"]!.GetValue<string>())}\nManabi  {ComponentCorpus.Show(decoded)}");
        }
        // The vocabulary must cover most pieces, or ids and decoding would be compared on [UNK] alone.
        Assert.True(known > total / 2, $"only {known} of {total} tokens are in the vocabulary");
    }

    /// <summary>A tokenizer.json whose WordLevel vocabulary is [UNK] and the 4,000 commonest pieces of the corpus.</summary>
    private static string TokenizerJson(string normalizer, string preTokenizer, string decoder, string[] texts)
    {
        ITextNormalizer n = NormalizerJson.Read(JsonDocument.Parse(normalizer).RootElement, "normalizer")!;
        IPreTokenizer p = PreTokenizerJson.Read(JsonDocument.Parse(preTokenizer).RootElement, "pre_tokenizer")!;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string text in texts)
        {
            var normalized = new NormalizedText(text);
            n.Normalize(normalized);
            var pre = new PreTokenizedText(normalized);
            p.PreTokenize(pre);
            foreach (var (piece, _) in pre.GetSplits())
            {
                counts[piece] = counts.GetValueOrDefault(piece) + 1;
            }
        }
        var vocab = new JsonObject { ["[UNK]"] = 0 };
        int id = 1;
        foreach (var (piece, _) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(4000))
        {
            if (piece != "[UNK]")
            {
                vocab[piece] = id++;
            }
        }
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(),
            ["normalizer"] = JsonNode.Parse(normalizer),
            ["pre_tokenizer"] = JsonNode.Parse(preTokenizer),
            ["post_processor"] = null,
            ["decoder"] = JsonNode.Parse(decoder),
            ["model"] = new JsonObject { ["type"] = "WordLevel", ["vocab"] = vocab, ["unk_token"] = "[UNK]" },
        };
        return json.ToJsonString();
    }
}
