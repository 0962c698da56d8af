using System.Text.Json;

namespace Manabi.Text.Tests.Pipeline;

/// <summary>The general Tokenizer against HF tokenizers 0.23.2 on inline tokenizer.json files (WordLevel model).</summary>
public class TokenizerParityTests
{
    private static readonly string[] Texts = PipelineOracle.Texts;

    private static Dictionary<string, int> Vocab(Func<string, string>? map = null, params string[] extra) =>
        PipelineOracle.Vocabulary(Texts.Take(120).Concat(PipelineOracle.Adversarial), map, extra);

    private static void Check(string json, TestStage? normalizer, TestStage? preTokenizer, IReadOnlyList<string>? texts = null,
        IReadOnlyList<string>? pairs = null, bool addSpecialTokens = true, bool batch = false, bool skipSpecialTokens = true)
    {
        var tokenizer = PipelineOracle.Build(json, normalizer, preTokenizer);
        PipelineOracle.AssertSame(tokenizer, json, texts ?? Texts, pairs, addSpecialTokens, batch, skipSpecialTokens);
    }

    [Fact]
    public void Model_alone_sees_the_whole_text_as_one_piece()
    {
        var vocab = Vocab();
        vocab.TryAdd("Hello world", vocab.Count);
        Check(PipelineOracle.Json(vocab), null, null);
    }

    [Fact]
    public void Whitespace_split_words_with_unknowns()
    {
        var vocab = Vocab();
        Check(PipelineOracle.Json(vocab, preTokenizer: TestStages.WhitespaceSplit), null, TestStages.WhitespaceSplit);
    }

    [Theory]
    [InlineData(SplitDelimiterBehavior.Removed)]
    [InlineData(SplitDelimiterBehavior.Isolated)]
    [InlineData(SplitDelimiterBehavior.MergedWithPrevious)]
    [InlineData(SplitDelimiterBehavior.MergedWithNext)]
    [InlineData(SplitDelimiterBehavior.Contiguous)]
    public void Split_behaviours_match_HF(SplitDelimiterBehavior behavior)
    {
        var split = TestStages.Split(" ", behavior);
        var vocab = Vocab(null, " ", "  ");
        foreach (string word in Texts.Take(120).SelectMany(t => t.Split(' ')))
        {
            vocab.TryAdd(" " + word, vocab.Count);
            vocab.TryAdd(word + " ", vocab.Count);
        }
        Check(PipelineOracle.Json(vocab, preTokenizer: split), null, split);
    }

    [Fact]
    public void Normalization_offsets_lowercase_strip_prepend_replace()
    {
        var normalizer = TestStages.Sequence(TestStages.Strip, TestStages.Lowercase, TestStages.Prepend("▁"), TestStages.Replace(" ", "▁"));
        var split = TestStages.Split("▁", SplitDelimiterBehavior.MergedWithNext);
        var vocab = Vocab(w => "▁" + w.ToLowerInvariant(), "▁", "▁i̇stanbul");
        Check(PipelineOracle.Json(vocab, normalizer, split), normalizer, split);
    }

    private const string AddedTokensJson = """
        [
          {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
          {"id": 1000, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
          {"id": 1001, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
          {"id": 1002, "content": "<mask>", "single_word": false, "lstrip": true, "rstrip": false, "normalized": false, "special": true},
          {"id": 1003, "content": "<eot>", "single_word": false, "lstrip": false, "rstrip": true, "normalized": false, "special": true},
          {"id": 1004, "content": "[DAY]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": false},
          {"id": 1005, "content": "cat", "single_word": true, "lstrip": false, "rstrip": false, "normalized": true, "special": false},
          {"id": 1006, "content": "the end", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": false},
          {"id": 1007, "content": "<eot>x", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false},
          {"id": 1008, "content": "İ", "single_word": false, "lstrip": false, "rstrip": false, "normalized": true, "special": true},
          {"id": 1009, "content": "😀", "single_word": true, "lstrip": true, "rstrip": true, "normalized": false, "special": false}
        ]
        """;

    private static readonly string[] AddedTokenTexts =
    [
        "[CLS] hello [SEP]", "a   <mask> b", "<mask>   <mask>", "x <eot>   y", "<eot>xy <eot>x", "Today is [DAY] or [day]!",
        "cat concat cats the cat.", "CAT Cat cat_ cat1 ñcat catñ", "the end of the END", "İİ İ i̇", "a 😀 b😀c 😀",
        "[CLS][SEP][CLS]", "[CLS", "", "   ", "[SEP]   [SEP] the end [MASK]",
    ];

    [Fact]
    public void Added_tokens_of_every_flavour()
    {
        var vocab = Vocab(w => w.ToLowerInvariant());
        vocab.TryAdd("cat", vocab.Count);
        string json = PipelineOracle.Json(vocab, TestStages.Lowercase, TestStages.WhitespaceSplit, addedTokens: AddedTokensJson);
        Check(json, TestStages.Lowercase, TestStages.WhitespaceSplit, [.. AddedTokenTexts, .. Texts.Take(100)]);
        Check(json, TestStages.Lowercase, TestStages.WhitespaceSplit, AddedTokenTexts, skipSpecialTokens: false);
    }

    [Fact]
    public void Added_token_ids_come_from_the_model_or_follow_its_vocabulary()
    {
        var vocab = new Dictionary<string, int> { ["[UNK]"] = 0, ["a"] = 1, ["[CLS]"] = 2 };
        string json = PipelineOracle.Json(vocab, addedTokens: """
            [{"id": 7, "content": "[CLS]", "special": true, "normalized": false, "single_word": false, "lstrip": false, "rstrip": false},
             {"id": 9, "content": "[NEW]", "special": true, "normalized": false, "single_word": false, "lstrip": false, "rstrip": false},
             {"id": 9, "content": "[NEWER]", "special": false, "normalized": false, "single_word": false, "lstrip": false, "rstrip": false}]
            """);
        var tokenizer = Tokenizer.FromJson(json);
        Assert.Equal([("[CLS]", 2), ("[NEW]", 3), ("[NEWER]", 4)], tokenizer.AddedTokens.Select(t => (t.Content, t.Id)));
        Assert.Equal(5, tokenizer.GetVocabularySize());
        PipelineOracle.AssertSame(tokenizer, json, ["a[CLS][NEW][NEWER]", "[NEWER][NEW]"]);
    }

    private const string BertTemplate = """
        {"type":"TemplateProcessing",
         "single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],
         "pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},
                 {"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],
         "special_tokens":{"[CLS]":{"id":"[CLS]","ids":[1000],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[1001],"tokens":["[SEP]"]}}}
        """;

    private const string OddTemplate = """
        {"type":"TemplateProcessing",
         "single":[{"SpecialToken":{"id":"<two>","type_id":3}},{"Sequence":{"id":"A","type_id":2}}],
         "pair":[{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"<two>","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":5}}],
         "special_tokens":{"<two>":{"id":"<two>","ids":[1000,1001],"tokens":["<a>","<b>"]},"[SEP]":{"id":"[SEP]","ids":[1001],"tokens":["[SEP]"]}}}
        """;

    private static string[] Pairs(int count) => [.. Texts.Skip(7).Take(count - 1).Append("")];

    [Theory]
    [InlineData(BertTemplate)]
    [InlineData(OddTemplate)]
    [InlineData("""{"type":"BertProcessing","sep":["[SEP]",1001],"cls":["[CLS]",1000]}""")]
    [InlineData("""{"type":"RobertaProcessing","sep":["[SEP]",1001],"cls":["[CLS]",1000],"trim_offsets":true,"add_prefix_space":true}""")]
    [InlineData("""{"type":"RobertaProcessing","sep":["[SEP]",1001],"cls":["[CLS]",1000],"trim_offsets":false,"add_prefix_space":false}""")]
    [InlineData("""{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}""")]
    [InlineData("""{"type":"Sequence","processors":[{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},""" + BertTemplate + "]}")]
    public void Post_processors_single_and_pair(string postProcessor)
    {
        // Pieces keep their leading space (MergedWithNext) or are runs of spaces (Contiguous), so trim_offsets has
        // spaces to trim, one or several, first or not.
        var vocab = Vocab(null, " ", "  ", "   ", "    ", "     ", "      ", "       ", "        ");
        foreach (string word in Texts.Take(120).SelectMany(t => t.Split(' ')))
        {
            vocab.TryAdd(" " + word, vocab.Count);
        }
        string added = """
            [{"id": 1000, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
             {"id": 1001, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}]
            """;
        var texts = Texts.Take(80).Concat(["   three spaces first", " one space first", "trailing spaces   "]).ToArray();
        var pairs = Pairs(texts.Length);
        foreach (var split in new[] { TestStages.Split(" ", SplitDelimiterBehavior.MergedWithNext), TestStages.Split(" ", SplitDelimiterBehavior.Contiguous) })
        {
            string json = PipelineOracle.Json(vocab, preTokenizer: split, postProcessor: postProcessor, addedTokens: added);
            Check(json, null, split, texts);
            Check(json, null, split, texts, pairs);
            Check(json, null, split, texts, pairs, addSpecialTokens: false);
        }
    }

    [Theory]
    [InlineData("LongestFirst", 0, "Right", true)]
    [InlineData("LongestFirst", 2, "Right", true)]
    [InlineData("LongestFirst", 3, "Left", true)]
    [InlineData("OnlyFirst", 1, "Right", true)]
    [InlineData("OnlySecond", 2, "Left", true)]
    [InlineData("LongestFirst", 2, "Right", false)]
    [InlineData("OnlyFirst", 4, "Left", false)]
    [InlineData("OnlySecond", 1, "Right", false)]
    public void Truncation_with_stride_and_overflowing(string strategy, int stride, string direction, bool preTokenize)
    {
        // With a pre-tokenizer HF 0.23 stops tokenizing at max_length tokens, which hides most windows; without one
        // (added tokens cut the text into pieces, the rest is unknown) every window shows.
        var vocab = new Dictionary<string, int> { ["[UNK]"] = 0 };
        foreach (string word in Texts.Take(120).SelectMany(t => t.Split(' ')))
        {
            vocab.TryAdd(word, vocab.Count);
        }
        var split = TestStages.Split(" ", SplitDelimiterBehavior.Isolated);
        string post = """{"type":"BertProcessing","sep":["[SEP]",1001],"cls":["[CLS]",1000]}""";
        string added = """
            [{"id": 1000, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
             {"id": 1001, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
             {"id": 1002, "content": "e", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false},
             {"id": 1003, "content": " ", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": false}]
            """;
        string truncation = $$"""{"direction":"{{direction}}","max_length":16,"strategy":"{{strategy}}","stride":{{stride}}}""";
        string json = PipelineOracle.Json(vocab, preTokenizer: preTokenize ? split : null, postProcessor: post, addedTokens: added,
            truncation: truncation);
        var tokenizer = PipelineOracle.Build(json, null, preTokenize ? split : null);
        var texts = Texts.Skip(3).Take(60).Where(t => t.Length > 0).ToArray();
        if (strategy != "OnlySecond")
        {
            PipelineOracle.AssertSame(tokenizer, json, texts);
        }
        // HF panics (aborting the oracle) when a window would be no longer than the stride: keep the sequence that is
        // not truncated short, so that the truncated one keeps more than the stride.
        string[] shorts = ["a", "hi", "no", "ok yes", "to be"];
        var longs = Texts.Skip(100).Take(40).Where(t => t.Length > 30).ToArray();
        var firsts = strategy == "OnlySecond" ? longs.Select((_, i) => shorts[i % shorts.Length]).ToArray() : longs;
        var pairs = strategy == "OnlyFirst" ? longs.Select((_, i) => shorts[i % shorts.Length]).ToArray() : longs.Reverse().ToArray();
        PipelineOracle.AssertSame(tokenizer, json, firsts, pairs);
    }

    [Theory]
    [InlineData("\"BatchLongest\"", "Right", "null")]
    [InlineData("\"BatchLongest\"", "Left", "8")]
    [InlineData("{\"Fixed\": 24}", "Left", "null")]
    [InlineData("{\"Fixed\": 5}", "Right", "4")]
    public void Padding_single_batch_and_pairs(string strategy, string direction, string multiple)
    {
        var vocab = Vocab();
        vocab["[PAD]"] = vocab.Count;
        string padding = $$"""{"strategy":{{strategy}},"direction":"{{direction}}","pad_to_multiple_of":{{multiple}},"pad_id":{{vocab["[PAD]"]}},"pad_type_id":3,"pad_token":"[PAD]"}""";
        string json = PipelineOracle.Json(vocab, preTokenizer: TestStages.WhitespaceSplit, postProcessor: BertTemplate, padding: padding,
            addedTokens: """
            [{"id": 1000, "content": "[CLS]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
             {"id": 1001, "content": "[SEP]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}]
            """);
        var texts = Texts.Take(40).ToArray();
        var tokenizer = PipelineOracle.Build(json, null, TestStages.WhitespaceSplit);
        PipelineOracle.AssertSame(tokenizer, json, texts);
        PipelineOracle.AssertSame(tokenizer, json, texts, batch: true);
        var pairs = Pairs(40);
        PipelineOracle.AssertSame(tokenizer, json, texts, pairs);
        // The oracle cannot batch pairs: a batch must equal each pair encoded alone, padded to the batch's length.
        var batch = tokenizer.EncodeBatch([.. texts.Select((t, i) => (t, (string?)pairs[i]))]);
        int length = batch.Max(e => e.Length);
        var alone = tokenizer.Padding!.Strategy == PaddingStrategy.Fixed ? tokenizer
            : tokenizer.WithPadding(tokenizer.Padding! with { Strategy = PaddingStrategy.Fixed, Length = length });
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = alone.Encode(texts[i], pairs[i]);
            Assert.Equal(expected.Ids, batch[i].Ids);
            Assert.Equal(expected.Offsets, batch[i].Offsets);
            Assert.Equal(expected.SequenceIds, batch[i].SequenceIds);
            Assert.Equal(expected.AttentionMask, batch[i].AttentionMask);
        }
    }

    [Fact]
    public void Saved_json_loads_in_HF_and_encodes_the_same()
    {
        var vocab = Vocab();
        string json = PipelineOracle.Json(vocab, postProcessor: OddTemplate, addedTokens: AddedTokensJson,
            truncation: """{"direction":"Left","max_length":20,"strategy":"OnlyFirst","stride":1}""",
            padding: """{"strategy":{"Fixed":25},"direction":"Right","pad_to_multiple_of":null,"pad_id":0,"pad_type_id":0,"pad_token":"[UNK]"}""");
        var tokenizer = Tokenizer.FromJson(json);
        string saved = tokenizer.ToJson();
        var reloaded = Tokenizer.FromJson(saved);
        Assert.Equal(saved, reloaded.ToJson());
        PipelineOracle.AssertSame(reloaded, saved, [.. AddedTokenTexts, .. Texts.Take(30)]);
    }
}
