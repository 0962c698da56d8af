using System.Diagnostics;
using System.Globalization;
using Manabi.Benchmarks.Compare;
using Manabi.Text;

namespace Manabi.Benchmarks.Text;

/// <summary>
/// Adversarial inputs (one letter repeated without a space, an emoji run, a digit run, a word of random letters) at
/// lengths growing tenfold, encoded by Manabi and by Microsoft.ML.Tokenizers 3.0 (o200k through both tiktoken
/// implementations, Llama-3 through Manabi's tokenizer.json pipeline and ML.NET's TiktokenTokenizer over the same
/// ranks). Each cell is the median of <c>rounds</c> timed encodes after one warm-up, contenders interleaved per round;
/// linear time shows as a constant time per 1,000 characters down each column, and the last column is the ratio of the
/// largest length's per-character cost to the smallest's (1 = linear, 10 = quadratic over the tenfold steps).
/// Run: <c>Manabi.Benchmarks tokenizer-steady worstcase [ROUNDS]</c>.
/// </summary>
internal static class WorstCase
{
    private const double SlowMicroseconds = 2_000_000;

    private sealed record Contender(string Name, Func<string, int> Encode);

    public static int Run(int rounds)
    {
        Console.WriteLine($"// {MachineFacts.Describe()}");
        Console.WriteLine($"// one thread, median of {rounds} interleaved rounds after a warm-up; µs per 1,000 UTF-16 units");
        var o200k = TiktokenTokenizer.Create("o200k_base");
        var mlO200k = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base");
        string llamaPath = TokenizerSteadyState.RealTokenizer("llama3");
        var llama = Tokenizer.FromFile(llamaPath);
        var mlLlama = TokenizerSteadyState.MlNetLlama3(llamaPath);
        var ids = new int[1 << 20];
        Contender[] contenders =
        [
            new("Manabi TiktokenTokenizer o200k", t => o200k.EncodeToIds(t, ids)),
            new("ML.Tokenizers 3.0.0 Tiktoken o200k", t => mlO200k.EncodeToIds(t).Count),
            new("Manabi Tokenizer llama3.json", t => llama.EncodeToIds(t, ids, addSpecialTokens: false)),
            new("ML.Tokenizers 3.0.0 Tiktoken llama3 ranks", t => mlLlama.EncodeToIds(t).Count),
        ];
        var random = new Random(7);
        (string Name, Func<int, string> Make)[] inputs =
        [
            ("'a' repeated", n => new string('a', n)),
            ("😀 repeated", n => string.Concat(Enumerable.Repeat("😀", n / 2))),
            ("'7' repeated", n => new string('7', n)),
            ("random a-z, no space", n => new string([.. Enumerable.Range(0, n).Select(_ => (char)('a' + random.Next(26)))])),
        ];
        int[] lengths = [2_000, 20_000, 200_000];
        foreach (var (inputName, make) in inputs)
        {
            Console.WriteLine();
            Console.WriteLine($"### {inputName}");
            Console.WriteLine($"| contender | {string.Join(" | ", lengths.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} | growth |");
            Console.WriteLine($"|---|{string.Concat(lengths.Select(_ => "---:|"))}---:|");
            var perK = new double[contenders.Length, lengths.Length];
            var dropped = new bool[contenders.Length];
            for (int l = 0; l < lengths.Length; l++)
            {
                string text = make(lengths[l]);
                var warm = new double[contenders.Length];
                for (int k = 0; k < contenders.Length; k++)
                {
                    perK[k, l] = double.NaN;
                    if (!dropped[k])
                    {
                        long start = Stopwatch.GetTimestamp();
                        contenders[k].Encode(text);
                        warm[k] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    }
                }
                var times = new List<double>[contenders.Length];
                for (int k = 0; k < contenders.Length; k++)
                {
                    times[k] = [];
                }
                for (int r = 0; r < rounds; r++)
                {
                    for (int j = 0; j < contenders.Length; j++)
                    {
                        int k = (j + r) % contenders.Length;
                        // A contender that already needs seconds per encode is timed once (its warm-up is that time).
                        if (dropped[k] || (warm[k] > SlowMicroseconds && r > 0))
                        {
                            continue;
                        }
                        long start = Stopwatch.GetTimestamp();
                        contenders[k].Encode(text);
                        times[k].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    }
                }
                for (int k = 0; k < contenders.Length; k++)
                {
                    if (times[k].Count > 0)
                    {
                        times[k].Sort();
                        perK[k, l] = times[k][times[k].Count / 2] / (text.Length / 1000.0);
                        // Tenfold longer would take minutes if the growth is quadratic: leave the larger lengths out.
                        dropped[k] = warm[k] > SlowMicroseconds;
                    }
                }
            }
            for (int k = 0; k < contenders.Length; k++)
            {
                var cells = Enumerable.Range(0, lengths.Length).Select(l =>
                    double.IsNaN(perK[k, l]) ? "not run (previous length > 2 s)" : perK[k, l].ToString("0.0", CultureInfo.InvariantCulture));
                int last = Enumerable.Range(0, lengths.Length).Last(l => !double.IsNaN(perK[k, l]));
                double growth = perK[k, last] / perK[k, 0];
                Console.WriteLine($"| {contenders[k].Name} | {string.Join(" | ", cells)} | {growth.ToString("0.0", CultureInfo.InvariantCulture)}× |");
            }
        }
        return 0;
    }
}
