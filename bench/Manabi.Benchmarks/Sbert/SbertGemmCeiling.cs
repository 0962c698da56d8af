using System.Diagnostics;
using System.Globalization;
using Manabi.Benchmarks.Compare;
using Manabi.SentenceTransformers;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace Manabi.Benchmarks.Sbert;

/// <summary>
/// <c>sbert-ceiling [--lines N] [--threads T] [--batch B] [--repeats R]</c>: how fast a float32 all-MiniLM-L6-v2 encode
/// of the first N held-out lines could possibly be. It replays only the run's matrix products with weights (the
/// transformer's linear layers, at the exact shapes that Encode's length-sorted batches give) through libtorch's float32
/// GEMM, and times that beside the whole Manabi encode and ONNX Runtime's, interleaved. The GEMMs alone are a floor
/// under any float32 engine built on these kernels: if they take longer than ONNX Runtime's time divided by a target
/// ratio, no float32 implementation over them reaches that ratio. The same GEMMs in bfloat16 are printed for contrast.
/// </summary>
public static class SbertGemmCeiling
{
    public static int Run(string[] args)
    {
        int lines = Option(args, "--lines", 2000), threads = Option(args, "--threads", 2), batch = Option(args, "--batch", 32);
        int repeats = Option(args, "--repeats", 5);
        string corpus = Path.Combine(Root(), "tests", "fixtures", "tokenizer", "heldout.txt");
        var texts = File.ReadLines(corpus).Take(lines).ToList();
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(1);
        using var model = DefaultSentenceModel.Import();
        using var session = new InferenceSession(DefaultSentenceModel.ReadResource("model.onnx"), new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        });

        // The (rows, padded length) of each batch, as Encode makes them: texts sorted by token count, longest first.
        var lengths = texts.Select(t => model.Tokenizer.CountTokens(t.Trim())).ToArray();
        var sorted = lengths.OrderByDescending(l => l).ToArray();
        var shapes = new List<(int Rows, int Length)>();
        for (int start = 0; start < sorted.Length; start += batch)
        {
            int rows = Math.Min(batch, sorted.Length - start);
            shapes.Add((rows, Math.Min(sorted[start], model.MaxSeqLength)));
        }
        var config = model.Bert.Config;
        int hidden = config.HiddenSize, inner = config.IntermediateSize, layers = config.NumHiddenLayers;
        // Per token and layer: the fused QKV product, attention output, intermediate and output dense layers.
        double linearFlops = shapes.Sum(s => 2.0 * s.Rows * s.Length * layers * ((3.0 * hidden * hidden) + (hidden * hidden) + (2.0 * hidden * inner)));
        double attentionFlops = shapes.Sum(s => 2.0 * 2.0 * s.Rows * (double)s.Length * s.Length * hidden * layers);

        using var scope = NewDisposeScope();
        using var noGrad = inference_mode();
        Tensor[] Weights(ScalarType type) => [randn(3 * hidden, hidden).to(type), randn(hidden, hidden).to(type), randn(inner, hidden).to(type), randn(hidden, inner).to(type)];
        var f32 = Weights(ScalarType.Float32);
        var b16 = Weights(ScalarType.BFloat16);
        var inputs = shapes.Distinct().ToDictionary(s => s, s => (Small: randn(s.Rows * s.Length, hidden), Wide: randn(s.Rows * s.Length, inner)));
        var inputs16 = inputs.ToDictionary(p => p.Key, p => (Small: p.Value.Small.to(ScalarType.BFloat16), Wide: p.Value.Wide.to(ScalarType.BFloat16)));
        void Gemms(Tensor[] w, Func<(int, int), (Tensor Small, Tensor Wide)> x)
        {
            foreach (var shape in shapes)
            {
                var (small, wide) = x(shape);
                for (int layer = 0; layer < layers; layer++)
                {
                    nn.functional.linear(small, w[0]).Dispose();
                    nn.functional.linear(small, w[1]).Dispose();
                    nn.functional.linear(small, w[2]).Dispose();
                    nn.functional.linear(wide, w[3]).Dispose();
                }
            }
        }

        var times = new Dictionary<string, List<double>> { ["encode"] = [], ["ort"] = [], ["gemm32"] = [], ["gemm16"] = [] };
        model.Encode(texts, batch);
        SbertEncodeComparison.OnnxEncode(session, model, texts, batch);
        Gemms(f32, s => inputs[s]);
        Gemms(b16, s => inputs16[s]);
        for (int r = 0; r < repeats; r++)
        {
            times["encode"].Add(Time(() => model.Encode(texts, batch)));
            times["ort"].Add(Time(() => SbertEncodeComparison.OnnxEncode(session, model, texts, batch)));
            times["gemm32"].Add(Time(() => Gemms(f32, s => inputs[s])));
            times["gemm16"].Add(Time(() => Gemms(b16, s => inputs16[s])));
        }
        double Median(string key) => times[key].Order().ElementAt(times[key].Count / 2);
        double encode = Median("encode"), ort = Median("ort"), gemm32 = Median("gemm32"), gemm16 = Median("gemm16");
        Console.WriteLine($"## float32 ceiling: all-MiniLM-L6-v2, {texts.Count} lines of heldout.txt, {threads} threads, batch {batch}");
        Console.WriteLine();
        Console.WriteLine($"Machine: {MachineFacts.Describe()}; median of {repeats} interleaved rounds after a warm-up each.");
        Console.WriteLine();
        Console.WriteLine($"{shapes.Count} batches, {shapes.Sum(s => s.Rows * s.Length):N0} padded tokens; linear layers {linearFlops / 1e9:F1} GFLOP, attention products {attentionFlops / 1e9:F1} GFLOP.");
        Console.WriteLine();
        Console.WriteLine("| what | seconds | GFLOP/s of the linear layers |");
        Console.WriteLine("| --- | ---: | ---: |");
        Console.WriteLine($"| Manabi float32 Encode, whole | {encode:F3} | {linearFlops / encode / 1e9:F1} |");
        Console.WriteLine($"| ONNX Runtime {typeof(InferenceSession).Assembly.GetName().Version} float32, whole | {ort:F3} | {linearFlops / ort / 1e9:F1} |");
        Console.WriteLine($"| the linear layers' GEMMs alone, float32 (libtorch) | {gemm32:F3} | {linearFlops / gemm32 / 1e9:F1} |");
        Console.WriteLine($"| the same GEMMs in bfloat16 (libtorch, oneDNN) | {gemm16:F3} | {linearFlops / gemm16 / 1e9:F1} |");
        Console.WriteLine();
        Console.WriteLine($"Manabi / ONNX Runtime: {ort / encode:F2}×. The float32 GEMMs alone are {gemm32 / encode * 100:F0} % of Manabi's encode; " +
            $"an engine whose every other step cost nothing would reach {ort / gemm32:F2}× ONNX Runtime (1.5× needs at most {ort / 1.5:F3} s).");
        return 0;
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Manabi.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("run the benchmark from inside the repository");
    }
}
