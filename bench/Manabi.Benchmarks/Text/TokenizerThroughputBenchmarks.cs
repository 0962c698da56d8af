using BenchmarkDotNet.Attributes;
using Manabi.Text;

namespace Manabi.Benchmarks.Text;

/// <summary>
/// Encode throughput on shared/fixtures/tokenizer/heldout.txt (16,135 lines) with the bert-base-uncased
/// vocabulary, [CLS]/[SEP] included, against the .NET peers. One operation encodes every line once;
/// tokens/s = <see cref="TokensPerOperation"/> / mean time, bytes per token = allocated / tokens
/// (both printed at setup). Run: bench/run-tokenizer.sh.
/// </summary>
[MemoryDiagnoser]
public class TokenizerThroughputBenchmarks
{
    private string[] _lines = [];
    private WordPieceTokenizer _manabi = null!;
    private FastBertTokenizer.BertTokenizer _fastBert = null!;
    private Microsoft.ML.Tokenizers.BertTokenizer _mlNet = null!;
    private Tokenizers.DotNet.Tokenizer _hfRust = null!;
    private readonly int[] _ids = new int[4096];
    private readonly long[] _longIds = new long[4096];
    private readonly long[] _longMask = new long[4096];
    private int[] _batchIds = [];
    private int[] _batchMask = [];

    /// <summary>Tokens (special ones included) in one pass over the held-out lines, by Manabi's count.</summary>
    public static long TokensPerOperation { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        string fixtures = TokenizerFixtures.Folder();
        string vocab = Path.Combine(fixtures, "bert-uncased-vocab.txt");
        _lines = [.. File.ReadAllText(Path.Combine(fixtures, "heldout.txt")).Split('\n').Where(l => l.Length > 0)];
        _manabi = WordPieceTokenizer.FromVocabFile(vocab);
        _fastBert = new FastBertTokenizer.BertTokenizer();
        using (var reader = new StreamReader(vocab))
        {
            _fastBert.LoadVocabulary(reader, convertInputToLowercase: true);
        }
        _mlNet = Microsoft.ML.Tokenizers.BertTokenizer.Create(vocab);
        string json = Path.Combine(Path.GetTempPath(), $"manabi-bench-tokenizer-{Environment.ProcessId}.json");
        _manabi.SaveTokenizerJson(json);
        _hfRust = new Tokenizers.DotNet.Tokenizer(vocabPath: json);
        TokensPerOperation = ManabiSpan();
        _batchIds = new int[_lines.Length * RowLength];
        _batchMask = new int[_lines.Length * RowLength];
        Console.WriteLine($"// {_lines.Length} lines, {TokensPerOperation} tokens per operation (Manabi); " +
            $"FastBert {FastBert()}, ML.NET {MlNetBert()}, Tokenizers.DotNet {TokenizersDotNet()}");
    }

    [Benchmark(Baseline = true, Description = "FastBertTokenizer 1.2.6")]
    public long FastBert()
    {
        long tokens = 0;
        foreach (string line in _lines)
        {
            tokens += _fastBert.Encode(line, _longIds, _longMask);
        }
        return tokens;
    }

    [Benchmark(Description = "Microsoft.ML.Tokenizers 3.0.0 BertTokenizer")]
    public long MlNetBert()
    {
        long tokens = 0;
        foreach (string line in _lines)
        {
            tokens += _mlNet.EncodeToIds(line).Count;
        }
        return tokens;
    }

    [Benchmark(Description = "Tokenizers.DotNet 1.4.1 (HF Rust)")]
    public long TokenizersDotNet()
    {
        long tokens = 0;
        foreach (string line in _lines)
        {
            tokens += _hfRust.Encode(line).Length;
        }
        return tokens;
    }

    [Benchmark(Description = "Manabi EncodeToIds (span, 1 thread)")]
    public long ManabiSpan()
    {
        long tokens = 0;
        foreach (string line in _lines)
        {
            tokens += _manabi.EncodeToIds(line, _ids);
        }
        return tokens;
    }

    [Benchmark(Description = "Manabi Encode (full TokenEncoding, 1 thread)")]
    public long ManabiEncoding()
    {
        long tokens = 0;
        foreach (string line in _lines)
        {
            tokens += _manabi.Encode(line).Length;
        }
        return tokens;
    }

    private const int RowLength = 128;

    // The batch baseline is the batch method itself held to the calling thread: same code, same output.
    [Benchmark(Description = "Manabi EncodeBatchToIds, padded rows, 1 thread (batch baseline)")]
    public int ManabiRowsSingleThread() =>
        _manabi.EncodeBatchToIds(_lines, _batchIds, _batchMask, RowLength, maxDegreeOfParallelism: 1);

    [Benchmark(Description = "Manabi EncodeBatchToIds, padded rows, all cores")]
    public int ManabiBatch() => _manabi.EncodeBatchToIds(_lines, _batchIds, _batchMask, RowLength);
}
