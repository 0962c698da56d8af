using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Manabi.Text;

namespace Manabi.Benchmarks.Text;

/// <summary>
/// The BPE and Unigram models alone (no normalizer, pre-tokenizer nor post-processor) on the pre-tokens of the held-out
/// lines: Llama-3's and GPT-4o's real vocabularies (the oracle's @lenml packages, installed by
/// <c>build/ensure-prerequisites.sh --tests</c>) with and without the word cache. Pieces come from a GPT-2-style split
/// mapped to the byte-level alphabet, close to what those tokenizers' own pre-tokenizers give. One operation tokenizes
/// every piece once; ns/token = mean / tokens (printed at setup). Run:
/// <c>dotnet run -c Release --project bench/Manabi.Benchmarks -- --filter '*TokenizerModel*'</c>.
/// </summary>
[MemoryDiagnoser]
public class TokenizerModelBenchmarks
{
    private string[] _pieces = [];
    private string[] _metaspacePieces = [];
    private BpeModel _llama3 = null!;
    private BpeModel _gpt4o = null!;
    private BpeModel _gpt4oUncached = null!;
    private UnigramModel _unigram = null!;
    private readonly List<ModelToken> _output = new(256);

    [GlobalSetup]
    public void Setup()
    {
        string fixtures = TokenizerFixtures.Folder();
        string[] lines = [.. File.ReadLines(Path.Combine(fixtures, "heldout.txt")).Where(l => l.Length > 0)];
        var split = new Regex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.Compiled);
        char[] byteLevel = ByteLevelAlphabet();
        _pieces = [.. lines.SelectMany(l => split.Matches(l).Select(m => new string(Encoding.UTF8.GetBytes(m.Value).Select(b => byteLevel[b]).ToArray())))];
        _metaspacePieces = [.. lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(w => "▁" + w)];
        string oracle = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(fixtures))!, "Manabi.Text.Tests", "oracle", "node_modules", "@lenml");
        _llama3 = Load(Path.Combine(oracle, "tokenizer-llama3", "models", "tokenizer.json"), 10_000);
        _gpt4o = Load(Path.Combine(oracle, "tokenizer-gpt4o", "models", "tokenizer.json"), 10_000);
        _gpt4oUncached = Load(Path.Combine(oracle, "tokenizer-gpt4o", "models", "tokenizer.json"), 0);
        _unigram = BuildUnigram(lines);
        Console.WriteLine($"// {_pieces.Length} byte-level pieces: llama3 {Llama3()} tokens, gpt4o {Gpt4o()} tokens; " +
            $"{_metaspacePieces.Length} metaspace pieces: Unigram {Unigram()} tokens");
    }

    [Benchmark(Description = "BpeModel Llama-3 (cached)")]
    public long Llama3() => Run(_llama3, _pieces);

    [Benchmark(Description = "BpeModel GPT-4o (cached)")]
    public long Gpt4o() => Run(_gpt4o, _pieces);

    [Benchmark(Description = "BpeModel GPT-4o (no cache)")]
    public long Gpt4oUncached() => Run(_gpt4oUncached, _pieces);

    [Benchmark(Description = "UnigramModel held-out substrings (cached)")]
    public long Unigram() => Run(_unigram, _metaspacePieces);

    private long Run(ITokenizationModel model, string[] pieces)
    {
        long tokens = 0;
        foreach (string piece in pieces)
        {
            _output.Clear();
            model.Tokenize(piece, _output);
            tokens += _output.Count;
        }
        return tokens;
    }

    private static BpeModel Load(string path, int cacheCapacity)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: run build/ensure-prerequisites.sh --tests (it installs the oracle's packages).", path);
        }
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var model = document.RootElement.GetProperty("model");
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocabulary[entry.Name] = entry.Value.GetInt32();
        }
        var merges = new List<(string, string)>();
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String)
            {
                string[] parts = merge.GetString()!.Split(' ');
                merges.Add((parts[0], parts[1]));
            }
            else
            {
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
        }
        bool ignoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True;
        return new BpeModel(vocabulary, merges, new BpeModelOptions { IgnoreMerges = ignoreMerges, CacheCapacity = cacheCapacity });
    }

    /// <summary>GPT-2's byte-to-character table: printable bytes stand for themselves, the others move to U+0100 onwards.</summary>
    private static char[] ByteLevelAlphabet()
    {
        var table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    /// <summary>A Unigram vocabulary of held-out substrings scored by log frequency (as the parity tests build one).</summary>
    private static UnigramModel BuildUnigram(string[] lines)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in lines.Take(3000))
        {
            foreach (string word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string w = "▁" + word;
                for (int i = 0; i < w.Length; i++)
                {
                    for (int n = 1; n <= 8 && i + n <= w.Length; n++)
                    {
                        string s = w.Substring(i, n);
                        counts[s] = counts.GetValueOrDefault(s) + 1;
                    }
                }
            }
        }
        var kept = counts.Where(e => e.Value >= 3).OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Take(12_000).ToList();
        double total = kept.Sum(e => (double)e.Value);
        var vocabulary = new List<(string, double)> { ("<unk>", 0) };
        vocabulary.AddRange(kept.Select(e => (e.Key, Math.Log(e.Value / total) + 0.3 * e.Key.Length)));
        return new UnigramModel(vocabulary, unknownId: 0);
    }
}
