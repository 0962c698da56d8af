using System.Diagnostics;
using Manabi.Benchmarks.Compare;
using Manabi.Text;

namespace Manabi.Benchmarks.Text;

/// <summary>
/// The batch API's scaling, measured so that host noise hits both sides alike: rounds alternate one call of
/// <see cref="WordPieceTokenizer.EncodeBatchToIds"/> on one thread with one on all cores (the same method, same
/// output), and the ratio is taken per round. It also measures the machine's own ceiling: two independent
/// single-thread passes run at the same time, against one alone (shared caches and memory bandwidth, or
/// hyper-threads, make that less than 2×). Run: bench/run-tokenizer.sh, or `Manabi.Benchmarks tokenizer-batch [ROUNDS] [TOKENIZER]`
/// with TOKENIZER wordpiece (the default: BERT's vocab.txt through <see cref="WordPieceTokenizer"/>) or llama3 (the real
/// Llama-3 tokenizer.json through the general <see cref="Tokenizer"/>'s <see cref="Tokenizer.EncodeBatchToIds"/>).
/// </summary>
internal static class BatchScalingComparison
{
    private const int RowLength = 128;

    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 40;
        string fixtures = TokenizerFixtures.Folder();
        string[] lines = [.. File.ReadAllText(Path.Combine(fixtures, "heldout.txt")).Split('\n').Where(l => l.Length > 0)];
        string which = args.Length > 1 ? args[1] : "wordpiece";
        Tokenizer tokenizer = which switch
        {
            "wordpiece" => WordPieceTokenizer.FromVocabFile(Path.Combine(fixtures, "bert-uncased-vocab.txt")).ToTokenizer(),
            "llama3" => Tokenizer.FromFile(TokenizerSteadyState.RealTokenizer("llama3")),
            _ => throw new ArgumentException($"unknown tokenizer '{which}' (known: wordpiece, llama3)", nameof(args)),
        };
        var ids = new int[lines.Length * RowLength];
        var mask = new int[lines.Length * RowLength];
        var otherIds = new int[ids.Length];
        var otherMask = new int[mask.Length];

        double Time(Action action)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        void OneThread(int[] i, int[] m) => tokenizer.EncodeBatchToIds(lines, i, m, RowLength, maxDegreeOfParallelism: 1);
        void AllCores() => tokenizer.EncodeBatchToIds(lines, ids, mask, RowLength);
        void TwoIndependent() => Parallel.Invoke(() => OneThread(ids, mask), () => OneThread(otherIds, otherMask));

        for (int warm = 0; warm < 5; warm++)
        {
            OneThread(ids, mask);
            AllCores();
            TwoIndependent();
        }
        var single = new double[rounds];
        var all = new double[rounds];
        var alone = new double[rounds];
        var pair = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            single[r] = Time(() => OneThread(ids, mask));
            all[r] = Time(AllCores);
            alone[r] = Time(() => OneThread(ids, mask));
            pair[r] = Time(TwoIndependent);
        }
        double[] speedUp = [.. single.Zip(all, (s, a) => s / a)];
        double[] ceiling = [.. alone.Zip(pair, (s, p) => 2 * s / p)];
        Console.WriteLine($"// {MachineFacts.Describe()}");
        Console.WriteLine($"// {which}: {lines.Length} lines, rows of {RowLength}, {rounds} interleaved rounds, {Environment.ProcessorCount} cores");
        Console.WriteLine("| measure | median | min | max |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(Row("EncodeBatchToIds, 1 thread (ms)", single));
        Console.WriteLine(Row("EncodeBatchToIds, all cores (ms)", all));
        Console.WriteLine(Row("speed-up per round (1 thread / all cores)", speedUp));
        Console.WriteLine(Row("machine ceiling per round (2 independent 1-thread passes: 2 × alone / together)", ceiling));
        Console.WriteLine($"speed-up of the medians: {Stopwatches.Median(single) / Stopwatches.Median(all):F2}×; of the best times: {single.Min() / all.Min():F2}×");
        return 0;
    }

    private static string Row(string name, double[] values) =>
        $"| {name} | {Stopwatches.Median(values):F2} | {values.Min():F2} | {values.Max():F2} |";
}
