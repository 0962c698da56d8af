using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Manabi.Text.Tests.Components;

/// <summary>
/// Every normalizer, pre-tokenizer and decoder against HF tokenizers 0.23.2 (oracle/components.js): the same
/// tokenizer.json component read by both sides, compared on the whole <see cref="ComponentCorpus"/>: normalized text
/// and the original span of every normalized character; pre-tokenized pieces and their offsets; decoded strings.
/// </summary>
public sealed class ComponentParityTests
{
    public static TheoryData<string> Normalizers =>
    [
        """{"type":"NFC"}""", """{"type":"NFD"}""", """{"type":"NFKC"}""", """{"type":"NFKD"}""", """{"type":"Lowercase"}""",
        """{"type":"Strip","strip_left":true,"strip_right":true}""", """{"type":"Strip","strip_left":true,"strip_right":false}""",
        """{"type":"Strip","strip_left":false,"strip_right":true}""",
        """{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"StripAccents"}]}""", """{"type":"StripAccents"}""",
        """{"type":"Sequence","normalizers":[{"type":"NFKD"},{"type":"StripAccents"},{"type":"Lowercase"}]}""",
        """{"type":"Replace","pattern":{"String":" "},"content":"▁"}""", """{"type":"Replace","pattern":{"String":"ab"},"content":""}""",
        """{"type":"Replace","pattern":{"String":"a"},"content":"xyz"}""", """{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}""",
        """{"type":"Prepend","prepend":"▁"}""", """{"type":"Replace","pattern":{"String":""},"content":"-"}""", """{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]}""",
        """{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}""",
        """{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":false,"lowercase":false}""",
        """{"type":"BertNormalizer","clean_text":false,"handle_chinese_chars":true,"strip_accents":true,"lowercase":false}""",
        """{"type":"ByteLevel"}""", """{"type":"Nmt"}""", """{"type":"Sequence","normalizers":[{"type":"Nmt"},{"type":"NFKC"}]}""",
        """{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Lowercase"},{"type":"Strip","strip_left":true,"strip_right":true}]}""",
        PrecompiledJson,
        $$"""{"type":"Sequence","normalizers":[{{PrecompiledJson}},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}""",
    ];

    /// <summary>A Precompiled normalizer over <see cref="CharsmapBuilder.TestRules"/>.</summary>
    private static string PrecompiledJson =>
        $$"""{"type":"Precompiled","precompiled_charsmap":"{{Convert.ToBase64String(CharsmapBuilder.Build(CharsmapBuilder.TestRules()))}}"}""";

    public static TheoryData<string> PreTokenizers =>
    [
        """{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}""",
        """{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}""",
        """{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":false,"use_regex":false}""",
        """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""",
        """{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true}""",
        """{"type":"Metaspace","replacement":"▁","prepend_scheme":"never","split":false}""",
        """{"type":"Metaspace","replacement":"_","prepend_scheme":"always","split":false}""",
        """{"type":"Whitespace"}""", """{"type":"WhitespaceSplit"}""", """{"type":"BertPreTokenizer"}""",
        """{"type":"Punctuation","behavior":"Isolated"}""", """{"type":"Punctuation","behavior":"Removed"}""",
        """{"type":"Punctuation","behavior":"MergedWithPrevious"}""", """{"type":"Punctuation","behavior":"MergedWithNext"}""",
        """{"type":"Punctuation","behavior":"Contiguous"}""",
        """{"type":"Digits","individual_digits":true}""", """{"type":"Digits","individual_digits":false}""",
        """{"type":"CharDelimiterSplit","delimiter":"a"}""", """{"type":"UnicodeScripts"}""",
        """{"type":"FixedLength","length":3}""", """{"type":"FixedLength","length":1}""",
        """{"type":"Split","pattern":{"String":" "},"behavior":"Removed","invert":false}""",
        """{"type":"Split","pattern":{"String":""},"behavior":"Isolated","invert":false}""",
        """{"type":"Split","pattern":{"String":"an"},"behavior":"MergedWithNext","invert":false}""",
        """{"type":"Split","pattern":{"String":"e"},"behavior":"Contiguous","invert":true}""",
        """{"type":"Split","pattern":{"Regex":"\\s+"},"behavior":"MergedWithPrevious","invert":false}""",
        """{"type":"Split","pattern":{"Regex":"[a-z]+"},"behavior":"Isolated","invert":true}""",
        """{"type":"Sequence","pretokenizers":[{"type":"WhitespaceSplit"},{"type":"Digits","individual_digits":true},{"type":"Punctuation","behavior":"Isolated"}]}""",
        """{"type":"Sequence","pretokenizers":[{"type":"UnicodeScripts"},{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true}]}""",
        // A FixedLength(1) after a pre-tokenizer that rewrites text shows each output character's original span.
        """{"type":"Sequence","pretokenizers":[{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},{"type":"FixedLength","length":1}]}""",
        """{"type":"Sequence","pretokenizers":[{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":false},{"type":"FixedLength","length":1}]}""",
    ];

    public static TheoryData<string> Decoders =>
    [
        """{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}""",
        """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""",
        """{"type":"Metaspace","replacement":"▁","prepend_scheme":"never","split":true}""",
        """{"type":"WordPiece","prefix":"##","cleanup":true}""", """{"type":"WordPiece","prefix":"##","cleanup":false}""",
        """{"type":"WordPiece","prefix":"","cleanup":false}""",
        """{"type":"BPEDecoder","suffix":"</w>"}""", """{"type":"ByteFallback"}""", """{"type":"Fuse"}""",
        """{"type":"Strip","content":" ","start":1,"stop":0}""", """{"type":"Strip","content":"a","start":2,"stop":0}""", """{"type":"Strip","content":" ","start":0,"stop":1}""",
        """{"type":"Replace","pattern":{"String":"▁"},"content":" "}""", """{"type":"Replace","pattern":{"Regex":"[0-9]+"},"content":"#"}""",
        """{"type":"CTC","pad_token":"<pad>","word_delimiter_token":"|","cleanup":true}""",
        """{"type":"CTC","pad_token":"<pad>","word_delimiter_token":"|","cleanup":false}""",
        """{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"▁"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}""",
    ];

    [Theory]
    [MemberData(nameof(Normalizers))]
    public void Normalizer_matches_HF_text_and_alignments(string json) => CheckNormalizer(json);

    internal static void CheckNormalizer(string json, string[]? corpus = null)
    {
        ITextNormalizer normalizer = NormalizerJson.Read(JsonDocument.Parse(json).RootElement, "normalizer")!;
        string[] texts = corpus ?? ComponentCorpus.OracleTexts;
        JsonNode response = TokenizersOracle.Run("components.js", new JsonObject
        {
            ["normalizer"] = JsonNode.Parse(json),
            ["texts"] = ComponentCorpus.ToJson(texts),
        });
        JsonArray normalized = response["normalized"]!.AsArray();
        JsonArray offsets = response["offsets"]!.AsArray();
        for (int i = 0; i < texts.Length; i++)
        {
            string text = texts[i];
            var mine = new NormalizedText(text);
            normalizer.Normalize(mine);
            string expected = normalized[i]!.GetValue<string>();
            Assert.True(expected == mine.Normalized,
                $"{json} on {ComponentCorpus.Show(text)}: HF {ComponentCorpus.Show(expected)}, Manabi {ComponentCorpus.Show(mine.Normalized)}");
            var expectedOffsets = TokenizersOracle.Offsets(offsets[i]).Select(o => TokenizersOracle.ToUtf16(o, text)).ToArray();
            var actualOffsets = CharacterSpans(mine);
            Assert.True(expectedOffsets.SequenceEqual(actualOffsets),
                $"{json} on {ComponentCorpus.Show(text)} (normalized {ComponentCorpus.Show(expected)}): original spans of each character\n" +
                $"HF      {Golden.Show(expectedOffsets)}\nManabi  {Golden.Show(actualOffsets)}");
        }
        foreach (string text in ComponentCorpus.LoneSurrogates)
        {
            normalizer.Normalize(new NormalizedText(text));
        }
    }

    /// <summary>The original span of each normalized character, as an encode with one token per character reports it.</summary>
    private static (int, int)[] CharacterSpans(NormalizedText normalized)
    {
        var pre = new PreTokenizedText(normalized);
        new FixedLengthPreTokenizer(1).PreTokenize(pre);
        pre.Tokenize((piece, tokens) => tokens.Add(new ModelToken(0, "[UNK]", 0, piece.Length)));
        return [.. pre.ToEncoding().Offsets];
    }

    [Theory]
    [MemberData(nameof(PreTokenizers))]
    public void PreTokenizer_matches_HF_pieces_and_offsets(string json) => CheckPreTokenizer(json);

    internal static void CheckPreTokenizer(string json, string[]? corpus = null)
    {
        IPreTokenizer preTokenizer = PreTokenizerJson.Read(JsonDocument.Parse(json).RootElement, "pre_tokenizer")!;
        string[] texts = corpus ?? ComponentCorpus.OracleTexts;
        JsonNode response = TokenizersOracle.Run("components.js", new JsonObject
        {
            ["preTokenizer"] = JsonNode.Parse(json),
            ["texts"] = ComponentCorpus.ToJson(texts),
        });
        JsonArray splits = response["splits"]!.AsArray();
        for (int i = 0; i < texts.Length; i++)
        {
            string text = texts[i];
            var expected = splits[i]!.AsArray()
                .Select(s => (s![0]!.GetValue<string>(), TokenizersOracle.ToUtf16((s[1]![0]!.GetValue<int>(), s[1]![1]!.GetValue<int>()), text)))
                .ToArray();
            var pre = new PreTokenizedText(text);
            preTokenizer.PreTokenize(pre);
            var actual = pre.GetSplits().Select(s => (s.Text, s.Offsets)).ToArray();
            Assert.True(expected.SequenceEqual(actual),
                $"{json} on {ComponentCorpus.Show(text)}:\nHF      {Golden.Show(expected.Select(Describe))}\nManabi  {Golden.Show(actual.Select(Describe))}");
        }
        foreach (string text in ComponentCorpus.LoneSurrogates)
        {
            preTokenizer.PreTokenize(new PreTokenizedText(text));
        }
    }

    private static string Describe((string Text, (int, int) Offsets) split) => $"{ComponentCorpus.Show(split.Text)}{split.Offsets}";

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Decoder_matches_HF(string json) => CheckDecoder(json, TokenLists());

    internal static void CheckDecoder(string json, List<string[]> lists)
    {
        ITokenDecoder decoder = DecoderJson.Read(JsonDocument.Parse(json).RootElement, "decoder")!;
        JsonNode response = TokenizersOracle.Run("components.js", new JsonObject
        {
            ["decoder"] = JsonNode.Parse(json),
            ["tokenLists"] = new JsonArray([.. lists.Select(l => (JsonNode)ComponentCorpus.ToJson(l))]),
        });
        JsonArray decoded = response["decoded"]!.AsArray();
        for (int i = 0; i < lists.Count; i++)
        {
            string expected = decoded[i]!.GetValue<string>();
            var tokens = new List<string>(lists[i]);
            decoder.DecodeChain(tokens);
            string actual = string.Concat(tokens);
            Assert.True(expected == actual,
                $"{json} on {Golden.Show(lists[i].Select(ComponentCorpus.Show))}:\nHF      {ComponentCorpus.Show(expected)}\nManabi  {ComponentCorpus.Show(actual)}");
        }
    }

    /// <summary>
    /// Token lists cut from the corpus (1 to 4 characters each, seeded), sprinkled with what decoders look for: ##, ▁,
    /// &lt;/w&gt;, byte tokens of the text's own UTF-8 (valid and broken runs), pads, delimiters, repeats, and byte-level
    /// renderings of the text cut inside multi-byte sequences.
    /// </summary>
    private static List<string[]> TokenLists()
    {
        var random = new Random(18);
        var lists = new List<string[]>();
        foreach (string text in ComponentCorpus.OracleTexts.Take(2500))
        {
            var tokens = new List<string>();
            var runes = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
            for (int i = 0; i < runes.Length;)
            {
                int n = Math.Min(random.Next(1, 5), runes.Length - i);
                string token = string.Concat(runes.AsSpan(i, n));
                i += n;
                switch (random.Next(14))
                {
                    case 0: token = "##" + token; break;
                    case 1: token = "\u2581" + token; break;
                    case 2: token += "</w>"; break;
                    case 3:
                        foreach (byte b in Encoding.UTF8.GetBytes(token))
                        {
                            tokens.Add($"<0x{b:X2}>");
                        }
                        continue;
                    case 4: tokens.Add("<pad>"); break;
                    case 5: tokens.Add("|"); break;
                    case 6: tokens.Add(token); break;
                    case 7: token = $"<0x{random.Next(256):X2}>"; break;
                    case 8: token = " " + token; break;
                    case 9: token = "a" + token + "a"; break;
                    default: break;
                }
                tokens.Add(token);
            }
            lists.Add([.. tokens]);
            // The same text in GPT-2's byte alphabet, cut every 1 to 3 characters (often inside a UTF-8 sequence).
            string bytes = new([.. Encoding.UTF8.GetBytes(text).Select(b => ByteLevelMapping.ByteToChar[b])]);
            var byteTokens = new List<string>();
            for (int i = 0; i < bytes.Length;)
            {
                int n = Math.Min(random.Next(1, 4), bytes.Length - i);
                byteTokens.Add(random.Next(20) == 0 ? "é" : bytes.Substring(i, n));
                i += n;
            }
            lists.Add([.. byteTokens]);
        }
        lists.Add([]);
        lists.Add(["<0xE3>", "<0x81>"]);
        lists.Add(["<0x+A>", "<0xa>", "<0x0A>", "<0xGG>", "<0x123>"]);
        // No empty token: HF's Strip decoder panics on one when stop > 0.
        lists.Add(["aaa", "aaa", "a", "a"]);
        return lists;
    }
}
