using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Manabi.Text.Tests.Models;

/// <summary>
/// BpeModel's settings that no real file combines (continuing_subword_prefix, end_of_word_suffix, unk without fusion,
/// no unk at all, partial byte fallback, ignore_merges, the legacy "a b" merges) against HF on models trained here,
/// written through this library's tokenizer.json writer; plus dropout, the reader's errors and the linear worst case.
/// </summary>
public sealed class BpeModelTests(ITestOutputHelper output)
{
    public enum Config { PrefixSuffixUnk, PrefixFusedUnk, NoUnknown, PartialByteFallback, IgnoreMerges, LegacyMerges, ByteFallbackWithPrefix }

    [Theory]
    [InlineData(Config.PrefixSuffixUnk)]
    [InlineData(Config.PrefixFusedUnk)]
    [InlineData(Config.NoUnknown)]
    [InlineData(Config.PartialByteFallback)]
    [InlineData(Config.IgnoreMerges)]
    [InlineData(Config.LegacyMerges)]
    public void Trained_models_match_hf_in_every_setting(Config config)
    {
        var model = Train(config);
        string json = TokenizerJson(model, legacyMerges: config == Config.LegacyMerges);
        var texts = ModelParity.Heldout(1500).Concat(ModelParity.Stress(8)).Concat(ModelParity.Adversarial);
        var pieces = texts.SelectMany(t => t.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries)).ToList();
        JsonArray oracle = ModelParity.Oracle(null, json, [], pieces);
        var reread = (BpeModel)ModelParity.ReadModel(json);
        Assert.Equal(model.Merges, reread.Merges);
        int compared = ModelParity.AssertSame(oracle, p => ModelParity.Tokens(reread, p), config.ToString());
        ModelParity.AssertSame(oracle, p => ModelParity.Tokens(reread, p), config + " (cached)");
        output.WriteLine($"{config}: {compared} distinct pieces identical to HF");
        Assert.True(compared > 3000, $"only {compared} pieces compared");
    }

    [Fact]
    public void Byte_fallback_with_a_prefix_matches_hf_ids_and_tokens()
    {
        // HF spells the prefix's bytes too, so its byte offsets run past the piece (and it reports them unmapped);
        // ids and tokens must still match, offsets stay inside the piece here.
        var model = Train(Config.ByteFallbackWithPrefix);
        JsonArray oracle = ModelParity.Oracle(null, TokenizerJson(model, false), [], ["aé", "x東y", "東", "ab東京cd"]);
        foreach (var item in oracle)
        {
            string piece = item!["piece"]!.GetValue<string>();
            var tokens = ModelParity.Tokens(model, piece);
            Assert.Equal(TokenizersOracle.Ints(item["ids"]), tokens.Select(t => t.Id));
            Assert.Equal(TokenizersOracle.Strings(item["tokens"]), tokens.Select(t => t.Value));
            Assert.All(tokens, t => Assert.InRange(t.End, t.Start, piece.Length));
        }
    }

    [Fact]
    public void Dropout_is_deterministic_per_seed_and_zero_dropout_is_plain_bpe()
    {
        var plain = Train(Config.PrefixFusedUnk);
        var words = ModelParity.Heldout(300).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        List<int> Run(BpeModel m) => words.SelectMany(w => ModelParity.Tokens(m, w).Select(t => t.Id)).ToList();
        BpeModel With(float? dropout, int? seed) =>
            new(plain.Vocabulary, plain.Merges, plain.Options with { Dropout = dropout, DropoutSeed = seed });

        var expected = Run(plain);
        Assert.Equal(expected, Run(With(0f, 7)));
        Assert.Equal(expected, Run(With(null, null)));
        var first = Run(With(0.3f, 42));
        Assert.Equal(first, Run(With(0.3f, 42)));
        Assert.NotEqual(first, Run(With(0.3f, 43)));
        // Skipped merges leave more, shorter tokens; every merge skipped leaves single characters.
        Assert.True(first.Count > expected.Count, $"dropout 0.3 gave {first.Count} tokens, plain BPE {expected.Count}");
        var none = With(1f, 1);
        foreach (string word in words.Take(200))
        {
            var tokens = ModelParity.Tokens(none, word);
            Assert.All(tokens, t => Assert.True(t.End - t.Start <= 2, $"'{word}': dropout 1 merged {t.Value}"));
        }
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.4f)]
    public void Dropout_splits_words_as_often_as_hf(float dropout)
    {
        // No equality is possible with random draws; the token counts of the same words must agree in distribution.
        var plain = Train(Config.PrefixFusedUnk);
        var model = new BpeModel(plain.Vocabulary, plain.Merges, plain.Options with { Dropout = dropout, DropoutSeed = 3 });
        var words = ModelParity.Heldout(1500).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.Length >= 4).Distinct().Take(3000).ToList();
        // Each word twice, so that HF's draws cover as many merges as ours.
        var pieces = words.Concat(words.Select(w => w + "\u200B")).ToList();
        JsonArray oracle = ModelParity.Oracle(null, TokenizerJson(model, false), [], pieces);
        double hf = oracle.Sum(i => i!["ids"]!.AsArray().Count);
        double ours = pieces.Sum(p => ModelParity.Tokens(model, p).Count);
        double none = pieces.Sum(p => ModelParity.Tokens(plain, p).Count);
        output.WriteLine($"dropout {dropout}: HF {hf} tokens, Manabi {ours}, without dropout {none}");
        Assert.True(ours > none * 1.02, "dropout did not split more");
        Assert.InRange(ours / hf, 0.97, 1.03);
    }

    [Fact]
    public void Random_words_over_three_letters_match_hf()
    {
        // A tiny alphabet makes runs of equal pairs ("aaaa", "abab") everywhere: HF's tie-breaking (same rank, leftmost
        // first) and the order of overlapping merges decide every word; lengths straddle the scan/heap switch.
        var random = new Random(11);
        string Word(int length) => string.Concat(Enumerable.Range(0, length).Select(_ => "abc"[random.Next(3)]));
        var corpus = Enumerable.Range(0, 3000).Select(_ => Word(random.Next(2, 12))).ToList();
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal) { ["a"] = 0, ["b"] = 1, ["c"] = 2 };
        var merges = new List<(string, string)>();
        var words = corpus.Select(w => w.Select(c => c.ToString()).ToList()).ToList();
        for (int round = 0; round < 60; round++)
        {
            var best = words.SelectMany(w => w.Zip(w.Skip(1))).GroupBy(p => p)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.First, StringComparer.Ordinal).ThenBy(g => g.Key.Second, StringComparer.Ordinal)
                .First().Key;
            string merged = best.First + best.Second;
            vocab.TryAdd(merged, vocab.Count);
            merges.Add(best);
            foreach (var w in words)
            {
                for (int i = 0; i + 1 < w.Count; i++)
                {
                    if (w[i] == best.First && w[i + 1] == best.Second)
                    {
                        w[i] = merged;
                        w.RemoveAt(i + 1);
                    }
                }
            }
        }
        // Some merges listed twice and some out of order, as hand-edited files have them.
        merges.Add(merges[3]);
        merges.Insert(0, merges[40]);
        var model = new BpeModel(vocab, merges);
        var pieces = Enumerable.Range(0, 4000).Select(i => Word(1 + i % 70)).Concat(["aaaaaaaa", "abababababab", new string('a', 100)]).ToList();
        JsonArray oracle = ModelParity.Oracle(null, TokenizerJson(model, false), [], pieces);
        int compared = ModelParity.AssertSame(oracle, p => ModelParity.Tokens(model, p), "abc");
        foreach (string piece in pieces)
        {
            Assert.Equal(model.MergeWord(piece, null), model.MergeWord(piece, null, forceHeap: true));
        }
        Assert.True(compared > 3000, $"only {compared} pieces compared");
    }

    [Fact]
    public void Reader_errors_name_the_json_path()
    {
        static string Error(string model) => Assert.Throws<TokenizerFormatException>(() => ModelParity.ReadModel($"{{\"model\":{model}}}")).Message;

        Assert.Equal("model: a BPE model needs both 'vocab' and 'merges'", Error("""{"type":"BPE","vocab":{}}"""));
        Assert.Equal("model.merges[1]: token 'zz' is not in the vocabulary",
            Error("""{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a b","zz b"]}"""));
        Assert.Equal("model.merges[0]: 'a b c' is not two tokens separated by one space",
            Error("""{"type":"BPE","vocab":{"a":0},"merges":["a b c"]}"""));
        Assert.Equal("model.vocab['a']: the id must be a non-negative integer, not \"x\"", Error("""{"type":"BPE","vocab":{"a":"x"},"merges":[]}"""));
        Assert.Equal("model.dropout: 1.5 is not a probability between 0 and 1", Error("""{"type":"BPE","vocab":{},"merges":[],"dropout":1.5}"""));
        Assert.Equal("model.unk_id: 3 is outside the vocabulary of 1 pieces", Error("""{"type":"Unigram","vocab":[["a",-1.0]],"unk_id":3}"""));
        Assert.Equal("model.vocab[1]: expected [piece, score], not [\"b\"]", Error("""{"type":"Unigram","vocab":[["a",-1.0],["b"]]}"""));
        // A model without "type" is recognised by its fields, as HF's untagged fallback does.
        Assert.IsType<BpeModel>(ModelParity.ReadModel("""{"model":{"vocab":{"a":0},"merges":[]}}"""));
        Assert.IsType<UnigramModel>(ModelParity.ReadModel("""{"model":{"vocab":[["a",-1.0]],"unk_id":0}}"""));
        // An unknown character with an unk_token missing from the vocabulary fails when met, as in HF.
        var broken = new BpeModel(new Dictionary<string, int> { ["a"] = 0 }, [], new BpeModelOptions { UnknownToken = "<unk>" });
        Assert.Single(ModelParity.Tokens(broken, "a"));
        Assert.Contains("'<unk>' is not in the vocabulary", Assert.Throws<TokenizerFormatException>(() => ModelParity.Tokens(broken, "ab")).Message);
    }

    [Fact]
    public void Vocab_json_and_merges_txt_load_as_the_tokenizer_json_does()
    {
        var model = Train(Config.PrefixSuffixUnk);
        var folder = Directory.CreateTempSubdirectory("manabi-bpe-");
        try
        {
            string vocabPath = Path.Combine(folder.FullName, "vocab.json");
            string mergesPath = Path.Combine(folder.FullName, "merges.txt");
            File.WriteAllText(vocabPath, JsonSerializer.Serialize(model.Vocabulary));
            File.WriteAllLines(mergesPath, ["#version: 0.2", .. model.Merges.Select(m => $"{m.Left} {m.Right}")]);
            var loaded = BpeModel.FromFiles(vocabPath, mergesPath, model.Options);
            Assert.Equal(model.Merges, loaded.Merges);
            foreach (string word in ModelParity.Heldout(200).SelectMany(l => l.Split(' ')).Concat(ModelParity.Adversarial))
            {
                Assert.Equal(ModelParity.Tokens(model, word), ModelParity.Tokens(loaded, word));
            }

            File.WriteAllLines(mergesPath, ["#version: 0.2", $"{model.Merges[0].Left} {model.Merges[0].Right}", "a b c"]);
            var error = Assert.Throws<TokenizerFormatException>(() => BpeModel.FromFiles(vocabPath, mergesPath, model.Options));
            Assert.Equal((mergesPath, 3), (error.FilePath, error.LineNumber));
            Assert.Equal($"{mergesPath}:3: 'a b c' is not two tokens separated by one space", error.Message);
            File.WriteAllLines(mergesPath, ["#version: 0.2", "qé zz"]);
            error = Assert.Throws<TokenizerFormatException>(() => BpeModel.FromFiles(vocabPath, mergesPath, model.Options));
            Assert.Equal($"{mergesPath}:2: token 'qé' is not in the vocabulary", error.Message);
            File.WriteAllText(vocabPath, "{\"a\": 1,");
            error = Assert.Throws<TokenizerFormatException>(() => BpeModel.FromFiles(vocabPath, mergesPath, model.Options));
            Assert.Equal(vocabPath, error.FilePath);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("llama2", "a")]
    [InlineData("llama2", "😀")]
    [InlineData("llama2", "ab")]
    [InlineData("llama3", "a")]
    [InlineData("llama3", "ðŁĺĢ")]
    public void Long_runs_encode_in_linear_time(string name, string unit)
    {
        var model = (BpeModel)ModelParity.ReadModel(File.ReadAllText(TokenizersOracle.RealTokenizer(name)));
        var tokens = new List<ModelToken>();
        ThreadCpuTime.AssertLinear(piece =>
        {
            tokens.Clear();
            model.Tokenize(piece, tokens);
            return tokens[^1].End;
        }, unit, output, $"{name} '{unit}'");
    }

    /// <summary>A small BPE trained here on held-out words (most frequent pair first) in the given setting.</summary>
    internal static BpeModel Train(Config config)
    {
        string? prefix = config is Config.PrefixSuffixUnk or Config.PrefixFusedUnk or Config.IgnoreMerges or Config.ByteFallbackWithPrefix ? "##" : null;
        string? suffix = config == Config.PrefixSuffixUnk ? "</w>" : null;
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in ModelParity.Heldout(800))
        {
            foreach (string word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                words[word] = words.GetValueOrDefault(word) + 1;
            }
        }
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string token) => vocab.TryAdd(token, vocab.Count);
        if (config != Config.NoUnknown)
        {
            Add("[UNK]");
        }
        if (config is Config.PartialByteFallback or Config.ByteFallbackWithPrefix)
        {
            for (int b = 0; b < (config == Config.PartialByteFallback ? 0xE0 : 256); b++)
            {
                Add($"<0x{b:X2}>");
            }
        }
        var symbols = new List<(List<string> Symbols, int Count)>();
        foreach (var (word, count) in words.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var list = new List<string>();
            var runes = word.EnumerateRunes().Select(r => r.ToString()).ToList();
            for (int i = 0; i < runes.Count; i++)
            {
                string s = (i > 0 && prefix is not null ? prefix : "") + runes[i] + (i == runes.Count - 1 && suffix is not null ? suffix : "");
                // Rare characters stay out of the alphabet so that the unknown paths run.
                if (char.IsAscii(runes[i][0]) || count > 2)
                {
                    Add(s);
                }
                list.Add(s);
            }
            symbols.Add((list, count));
        }
        var merges = new List<(string, string)>();
        for (int round = 0; round < 400; round++)
        {
            var pairs = new Dictionary<(string, string), int>();
            foreach (var (list, count) in symbols)
            {
                for (int i = 0; i + 1 < list.Count; i++)
                {
                    if (vocab.ContainsKey(list[i]) && vocab.ContainsKey(list[i + 1]))
                    {
                        pairs[(list[i], list[i + 1])] = pairs.GetValueOrDefault((list[i], list[i + 1])) + count;
                    }
                }
            }
            if (pairs.Count == 0)
            {
                break;
            }
            var best = pairs.OrderByDescending(p => p.Value).ThenBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal).First().Key;
            string merged = best.Item1 + (prefix is not null && best.Item2.StartsWith(prefix, StringComparison.Ordinal) ? best.Item2[prefix.Length..] : best.Item2);
            Add(merged);
            merges.Add(best);
            foreach (var (list, _) in symbols)
            {
                for (int i = 0; i + 1 < list.Count; i++)
                {
                    if (list[i] == best.Item1 && list[i + 1] == best.Item2)
                    {
                        list[i] = merged;
                        list.RemoveAt(i + 1);
                    }
                }
            }
        }
        var options = new BpeModelOptions
        {
            UnknownToken = config == Config.NoUnknown ? null : "[UNK]",
            ContinuingSubwordPrefix = prefix,
            EndOfWordSuffix = suffix,
            FuseUnknown = config is Config.PrefixFusedUnk or Config.PartialByteFallback or Config.IgnoreMerges,
            ByteFallback = config is Config.PartialByteFallback or Config.ByteFallbackWithPrefix,
            IgnoreMerges = config == Config.IgnoreMerges,
        };
        return new BpeModel(vocab, merges, options);
    }

    /// <summary>A whole tokenizer.json around the model, its model section written by <see cref="BpeModelJson"/>.</summary>
    internal static string TokenizerJson(BpeModel model, bool legacyMerges)
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
            BpeModelJson.Write(writer, model);
            writer.WriteEndObject();
        }
        string json = Encoding.UTF8.GetString(buffer.ToArray());
        if (!legacyMerges)
        {
            return json;
        }
        var node = JsonNode.Parse(json)!;
        node["model"]!["merges"] = new JsonArray(model.Merges.Select(m => (JsonNode)JsonValue.Create($"{m.Left} {m.Right}")!).ToArray());
        return node.ToJsonString();
    }
}

/// <summary>The models' caches under concurrent encoders: every thread sees what a lone thread sees.</summary>
public sealed class ModelConcurrencyTests
{
    [Fact]
    public void Concurrent_tokenize_equals_sequential()
    {
        var bpe = BpeModelTests.Train(BpeModelTests.Config.PrefixFusedUnk);
        var unigram = UnigramModelParityTests.Build(UnigramModelParityTests.Variant.ByteFallback);
        var words = ModelParity.Heldout(2000).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Concat(ModelParity.Stress(10)).ToArray();
        foreach (ITokenizationModel model in new ITokenizationModel[] { bpe, unigram })
        {
            // Expected values from a fresh model of the same kind, so that the shared cache starts empty below.
            var fresh = model is BpeModel b ? (ITokenizationModel)new BpeModel(b.Vocabulary, b.Merges, b.Options with { CacheCapacity = 0 })
                : new UnigramModel(((UnigramModel)model).Vocabulary, ((UnigramModel)model).UnknownId, ((UnigramModel)model).ByteFallback);
            var expected = words.Select(w => ModelParity.Tokens(fresh, w)).ToArray();
            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
            {
                for (int i = 0; i < words.Length; i++)
                {
                    int k = (i * 7 + t * 131) % words.Length;
                    if (!ModelParity.Tokens(model, words[k]).SequenceEqual(expected[k]))
                    {
                        failures.Add($"{model.GetType().Name}: thread {t}: {ModelParity.Show(words[k])}");
                    }
                }
            });
            Assert.Empty(failures);
        }
    }
}
