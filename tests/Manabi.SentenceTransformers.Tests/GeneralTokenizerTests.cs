using System.Text.Json.Nodes;
using Manabi.SentenceTransformers;
using Manabi.TestSupport;
using Manabi.Text;

namespace Manabi.SentenceTransformers.Tests;

/// <summary>
/// A sentence-transformers folder whose tokenizer.json is not BERT's WordPiece (multilingual MiniLMs ship XLM-R's
/// SentencePiece Unigram) loads, encodes through that tokenizer with HF's truncation, and saves back.
/// </summary>
public sealed class GeneralTokenizerTests
{
    // A SentencePiece-style Unigram pipeline (Metaspace, <s> ... </s> template), small enough to write here; its ids
    // stay below the tiny BERT's vocabulary size.
    private static string UnigramTokenizerJson()
    {
        var vocab = new JsonArray
        {
            new JsonArray("<s>", 0.0), new JsonArray("<pad>", 0.0), new JsonArray("</s>", 0.0), new JsonArray("<unk>", 0.0),
            new JsonArray("▁", -2.0), new JsonArray("▁the", -3.0), new JsonArray("▁cat", -4.0), new JsonArray("s", -3.5),
            new JsonArray("▁sat", -4.0), new JsonArray("▁on", -3.5), new JsonArray("▁mat", -4.5),
        };
        foreach (char c in "abcdefghijklmnopqrtuvwxyz") // no "s": it is a piece above, and a duplicate would take its id
        {
            vocab.Add(new JsonArray(c.ToString(), -6.0));
        }
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(
                Added(0, "<s>"), Added(1, "<pad>"), Added(2, "</s>"), Added(3, "<unk>")),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = "always", ["split"] = true },
            ["post_processor"] = JsonNode.Parse("""
                {"type": "TemplateProcessing",
                 "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                 "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                          {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
                 "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]}, "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}}
                """),
            ["decoder"] = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "▁", ["prepend_scheme"] = "always", ["split"] = true },
            ["model"] = new JsonObject { ["type"] = "Unigram", ["unk_id"] = 3, ["vocab"] = vocab, ["byte_fallback"] = false },
        };
        return root.ToJsonString();

        static JsonObject Added(int id, string content) => new()
        {
            ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        };
    }

    private static string UnigramModelFolder(TempFolder temp)
    {
        string folder = System.IO.Path.Combine(temp.Path, "unigram-sbert");
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.EnumerateFiles(TinySbert.Folder, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(TinySbert.Folder, file);
            if (relative is "vocab.txt" or "tokenizer.json" or "tokenizer_config.json")
            {
                continue;
            }
            string target = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), UnigramTokenizerJson());
        return folder;
    }

    [Fact]
    public void A_unigram_tokenizer_json_loads_and_encodes_through_its_own_pipeline()
    {
        using var temp = new TempFolder();
        var encoder = SentenceEncoder.Load(UnigramModelFolder(temp));
        var tokenizer = Tokenizer.FromJson(UnigramTokenizerJson());
        Assert.Null(encoder.Tokenizer.WordPiece);
        Assert.IsType<UnigramModel>(encoder.Tokenizer.Model);
        string text = "the cats sat on the mat";
        int[] expected = [.. tokenizer.Encode(text).Ids];
        Assert.Equal([0, 5, 6, 7, 8, 9, 5, 10, 2], expected);
        Assert.Equal(expected, encoder.TokenizeText(text));
        var batch = encoder.Tokenize([text, "the cat"]);
        Assert.Equal(0, batch.Truncated);
        Assert.Equal(expected.Select(i => (long)i), batch.InputIds[0].data<long>().ToArray());
        var vectors = encoder.Encode([text, "the cat"]).Vectors;
        Assert.Equal(2, vectors.Length);
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 1e-5));
    }

    [Fact]
    public void Long_texts_are_cut_as_hf_truncates_with_the_special_tokens_kept()
    {
        using var temp = new TempFolder();
        var encoder = SentenceEncoder.Load(UnigramModelFolder(temp));
        string text = string.Join(' ', Enumerable.Repeat("the cat sat on the mat", 60));
        int max = encoder.MaxSeqLength;
        var right = encoder.TokenizeText(text)!;
        Assert.Equal(max, right.Length);
        Assert.Equal(0, right[0]);
        Assert.Equal(2, right[^1]);
        var left = encoder.TokenizeText(text, truncate: true, TruncationDirection.Left)!;
        var hfLeft = Tokenizer.FromJson(UnigramTokenizerJson()).WithTruncation(new TruncationOptions(max, direction: TruncationDirection.Left)).Encode(text);
        Assert.Equal(hfLeft.Ids, left);
        Assert.Null(encoder.TokenizeText(text, truncate: false));
        Assert.Equal(1, encoder.Tokenize([text]).Truncated);
    }

    [Fact]
    public void The_folder_saves_its_tokenizer_json_and_loads_back_the_same()
    {
        using var temp = new TempFolder();
        var encoder = SentenceEncoder.Load(UnigramModelFolder(temp));
        string saved = Path.Combine(temp.Path, "saved");
        encoder.Save(saved);
        Assert.False(File.Exists(Path.Combine(saved, "vocab.txt")));
        var again = SentenceEncoder.Load(saved);
        string[] texts = ["the cats sat", "on the mat", "zebra"];
        Assert.Equal(encoder.Tokenizer.Encode(texts[0]).Ids, again.Tokenizer.Encode(texts[0]).Ids);
        TinySbert.AssertClose(
            [.. encoder.Encode(texts).Vectors.Select(v => v.Select(x => (double)x).ToArray())], again.Encode(texts).Vectors, 1e-6, "reloaded");
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("manabi-general-tok-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
