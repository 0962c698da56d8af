using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.TestSupport;

namespace Manabi.Text.Tests.Trainers;

/// <summary>HF's trainers through <c>oracle/train.js</c>: the default BpeTrainer / UnigramTrainer of a tokenizer.json.</summary>
internal static class TrainOracle
{
    public const string Whitespace = """{"type":"Whitespace"}""";

    public const string ByteLevel = """{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}""";

    public const string Metaspace = """{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always","split":true}""";

    public const string EmptyBpe = """{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":false,"vocab":{},"merges":[]}""";

    public const string EmptyUnigram = """{"type":"Unigram","unk_id":null,"vocab":[],"byte_fallback":false}""";

    /// <summary>A tokenizer.json with only a pre-tokenizer and a model.</summary>
    public static string TokenizerJson(string preTokenizer, string model) =>
        $$"""{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,"pre_tokenizer":{{preTokenizer}},"post_processor":null,"decoder":null,"model":{{model}}}""";

    /// <summary>The first <paramref name="lines"/> lines of the held-out English text, the training corpus of these tests.</summary>
    public static string[] CorpusLines(int skip, int lines) =>
        File.ReadLines(Fixtures.Path("tokenizer", "heldout.txt")).Skip(skip).Take(lines).ToArray();

    /// <summary>The texts of one kind (ja, fuzz, heldout) of the stress corpus, in file order.</summary>
    public static string[] StressTexts(string kind)
    {
        using var file = File.OpenRead(Fixtures.Path("tokenizer", "wordpiece-stress.jsonl.gz"));
        using var reader = new StreamReader(new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress));
        var texts = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            using var item = JsonDocument.Parse(line);
            if (item.RootElement.GetProperty("kind").GetString() == kind)
            {
                texts.Add(item.RootElement.GetProperty("text").GetString()!);
            }
        }
        return [.. texts];
    }

    /// <summary>What HF trained: the saved tokenizer.json, the word counts its trainer was fed, the training time.</summary>
    public sealed record Result(JsonDocument Trained, Dictionary<string, long> WordCounts, double Seconds, int[]? TokenCounts);

    /// <summary>Trains with HF on <paramref name="corpusLines"/> (written with \n endings) and reads the result back.</summary>
    public static Result Train(string tokenizerJson, IReadOnlyList<string> corpusLines, IReadOnlyList<string>? encode = null)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"manabi-train-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string corpus = Path.Combine(folder, "corpus.txt");
            File.WriteAllText(corpus, string.Concat(corpusLines.Select(line => line + "\n")));
            string output = Path.Combine(folder, "trained.json");
            var request = new JsonObject
            {
                ["tokenizerJson"] = tokenizerJson,
                ["files"] = new JsonArray(corpus),
                ["output"] = output,
                ["wordCounts"] = true,
            };
            if (encode is not null)
            {
                request["encode"] = new JsonObject { ["texts"] = new JsonArray(encode.Select(t => (JsonNode?)t).ToArray()) };
            }
            var response = TokenizersOracle.Run("train.js", request);
            var counts = response["wordCounts"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.GetValue<long>(), StringComparer.Ordinal);
            int[]? tokenCounts = response["tokenCounts"] is { } t ? TokenizersOracle.Ints(t) : null;
            return new Result(JsonDocument.Parse(File.ReadAllBytes(output)), counts, response["seconds"]!.GetValue<double>(), tokenCounts);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
