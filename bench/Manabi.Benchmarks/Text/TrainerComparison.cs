using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Manabi.Text;

namespace Manabi.Benchmarks.Text;

/// <summary>
/// BpeTrainer and UnigramTrainer against HF tokenizers 0.23.2's trainers (the test oracle: Node, default trainer
/// settings, the only ones its binding trains with) on the same corpus and machine: byte-level BPE to 30,000 and
/// Whitespace Unigram to 8,000. HF's time is its whole <c>train(files)</c> (reading and pre-tokenizing included);
/// Manabi's starts from the word counts HF's pre-tokenizer gives (the same words), so it excludes those steps.
/// Also checks that the results are HF's (BPE: merges and ids; Unigram: shared pieces).
/// Run: <c>Manabi.Benchmarks trainers [LINES]</c> (default: all 405,951 lines of data/corpus).
/// </summary>
internal static class TrainerComparison
{
    public static int Run(string[] args)
    {
        int lines = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;
        // The fixtures are at ROOT/tests/fixtures/tokenizer.
        string root = Path.GetFullPath(Path.Combine(TokenizerFixtures.Folder(), "..", "..", ".."));
        string oracle = Path.Combine(root, "tests", "Manabi.Text.Tests", "oracle");
        string folder = Directory.CreateTempSubdirectory("manabi-trainers-").FullName;
        try
        {
            string corpus = Path.Combine(folder, "corpus.txt");
            using (var writer = new StreamWriter(corpus))
            {
                int written = 0;
                foreach (string file in new[] { "corpus-pydoc.txt.gz", "corpus-wordnet.txt.gz" })
                {
                    using var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(root, "data", "corpus", file)), CompressionMode.Decompress));
                    while (written < lines && reader.ReadLine() is { } line)
                    {
                        writer.Write(line);
                        writer.Write('\n');
                        written++;
                    }
                }
                Console.WriteLine($"corpus: {written} lines of data/corpus");
            }
            const string byteLevel = """{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}""";
            const string whitespace = """{"type":"Whitespace"}""";
            const string bpe = """{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":false,"vocab":{},"merges":[]}""";
            const string unigram = """{"type":"Unigram","unk_id":null,"vocab":[],"byte_fallback":false}""";

            var (bpeSeconds, bpeCounts, bpeModel) = TrainHf(oracle, folder, corpus, byteLevel, bpe);
            var stopwatch = Stopwatch.StartNew();
            var bpeResult = new BpeTrainer().Train(bpeCounts);
            double manabiBpe = stopwatch.Elapsed.TotalSeconds;
            var hfMerges = bpeModel.GetProperty("merges").EnumerateArray().Select(m => (m[0].GetString()!, m[1].GetString()!)).ToArray();
            bool sameBpe = hfMerges.SequenceEqual(bpeResult.Merges)
                && bpeModel.GetProperty("vocab").EnumerateObject().All(p => bpeResult.Vocabulary.TryGetValue(p.Name, out int id) && id == p.Value.GetInt32());
            Console.WriteLine($"BPE (ByteLevel, 30,000): {bpeCounts.Count} distinct words; Manabi {manabiBpe:F2} s, HF {bpeSeconds:F2} s; " +
                $"vocab {bpeResult.Vocabulary.Count}; same merges and ids as HF: {sameBpe}");

            var (unigramSeconds, unigramCounts, unigramModel) = TrainHf(oracle, folder, corpus, whitespace, unigram);
            stopwatch.Restart();
            var unigramResult = new UnigramTrainer().Train(unigramCounts);
            double manabiUnigram = stopwatch.Elapsed.TotalSeconds;
            string[] hfPieces = [.. unigramModel.GetProperty("vocab").EnumerateArray().Select(p => p[0].GetString()!)];
            int shared = unigramResult.Pieces.Select(p => p.Piece).Intersect(hfPieces).Count();
            Console.WriteLine($"Unigram (Whitespace, 8,000): {unigramCounts.Count} distinct words; Manabi {manabiUnigram:F2} s, HF {unigramSeconds:F2} s; " +
                $"pieces {unigramResult.Pieces.Count} vs HF {hfPieces.Length}, shared {shared}");
            return sameBpe && unigramResult.Pieces.Count == hfPieces.Length ? 0 : 1;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (double Seconds, Dictionary<string, long> Counts, JsonElement Model) TrainHf(string oracle, string folder, string corpus,
        string preTokenizer, string model)
    {
        string tokenizerJson = $$"""{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,"pre_tokenizer":{{preTokenizer}},"post_processor":null,"decoder":null,"model":{{model}}}""";
        string output = Path.Combine(folder, "trained.json");
        string requestPath = Path.Combine(folder, "request.json");
        File.WriteAllText(requestPath, new JsonObject
        {
            ["tokenizerJson"] = tokenizerJson,
            ["files"] = new JsonArray(corpus),
            ["output"] = output,
            ["wordCounts"] = true,
        }.ToJsonString());
        var start = new ProcessStartInfo("node") { WorkingDirectory = oracle, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("train.js");
        start.ArgumentList.Add(requestPath);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node train.js failed ({process.ExitCode}); install the oracle with build/ensure-prerequisites.sh --tests");
        }
        using var response = JsonDocument.Parse(stdout);
        var counts = response.RootElement.GetProperty("wordCounts").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);
        var trained = JsonDocument.Parse(File.ReadAllBytes(output)).RootElement.GetProperty("model").Clone();
        return (response.RootElement.GetProperty("seconds").GetDouble(), counts, trained);
    }
}
