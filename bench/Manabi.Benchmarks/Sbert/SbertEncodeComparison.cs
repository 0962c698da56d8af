using System.Diagnostics;
using System.Globalization;
using Manabi.Benchmarks.Compare;
using Manabi.SentenceTransformers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

namespace Manabi.Benchmarks.Sbert;

/// <summary>
/// <c>sbert [--lines N] [--threads T] [--batch B] [--repeats R] [--out FILE.md]</c>: encodes the first N lines of
/// tests/fixtures/tokenizer/heldout.txt with all-MiniLM-L6-v2, in Manabi (libtorch) and in ONNX Runtime running the
/// same ONNX file, in this process, with the same tokenization (Manabi's WordPiece, length-sorted batches, minimal
/// padding) and pooling (masked mean, L2 normalisation); then the same model quantized with
/// <see cref="SentenceEncoder.QuantizeInt8"/>; prints sentences/s, the ratios, peak memory, parity and the int8
/// embeddings' cosine to float32.
/// </summary>
public static class SbertEncodeComparison
{
    public static int Run(string[] args)
    {
        int lines = Option(args, "--lines", 2000);
        int threads = Option(args, "--threads", 2);
        int batch = Option(args, "--batch", 32);
        int repeats = Option(args, "--repeats", 3);
        int outIndex = Array.IndexOf(args, "--out");
        string? outFile = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;

        string corpus = Path.Combine(FindRepositoryRoot(), "tests", "fixtures", "tokenizer", "heldout.txt");
        var texts = File.ReadLines(corpus).Take(lines).ToList();
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(1);
        using var model = DefaultSentenceModel.Import();
        byte[] onnx = DefaultSentenceModel.ReadResource("model.onnx");

        // Each engine's first (warm-up) pass runs alone, with VmHWM reset at its start, to measure its peak memory;
        // the timed passes then alternate between the engines so that a busy machine slows both alike.
        PeakMemory.Reset();
        float[][] ours = model.Encode(texts, batch).Vectors;
        double manabiPeak = PeakMemory.PeakMiB();

        PeakMemory.Reset();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        using var session = new InferenceSession(onnx, options);
        float[][] theirs = OnnxEncode(session, model, texts, batch);
        double ortPeak = PeakMemory.PeakMiB();

        // The int8 path (SentenceEncoder.QuantizeInt8) on its own copy of the model; its peak includes the import.
        PeakMemory.Reset();
        using var quantized = DefaultSentenceModel.Import();
        quantized.QuantizeInt8();
        float[][] int8 = quantized.Encode(texts, batch).Vectors;
        double int8Peak = PeakMemory.PeakMiB();

        var manabiTimes = new List<double>();
        var ortTimes = new List<double>();
        var int8Times = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            manabiTimes.Add(Time(() => model.Encode(texts, batch)));
            ortTimes.Add(Time(() => OnnxEncode(session, model, texts, batch)));
            int8Times.Add(Time(() => quantized.Encode(texts, batch)));
        }
        double manabiSeconds = Median(manabiTimes), ortSeconds = Median(ortTimes), int8Seconds = Median(int8Times);
        double[] int8Cosines = [.. ours.Zip(int8).Select(p => p.First.Zip(p.Second).Sum(x => (double)x.First * x.Second)).Order()];

        double worstCosine = ours.Zip(theirs).Min(p => p.First.Zip(p.Second).Sum(x => (double)x.First * x.Second));
        double manabiRate = texts.Count / manabiSeconds, ortRate = texts.Count / ortSeconds, int8Rate = texts.Count / int8Seconds;
        string table = string.Join('\n',
            $"## Sentence embeddings: all-MiniLM-L6-v2, {texts.Count} lines of heldout.txt, {threads} threads, batch {batch}",
            "",
            $"Machine: {MachineFacts.Describe()}; median of {repeats} alternating runs after a warm-up pass each; same process, same tokenization and pooling.",
            "",
            "| engine | sentences/s | seconds | peak RSS (MiB) |",
            "| --- | ---: | ---: | ---: |",
            $"| Manabi (TorchSharp {TorchRuntimeVersion()}, fused SDPA, inference mode) | {manabiRate:F1} | {manabiSeconds:F3} | {manabiPeak:F0} |",
            $"| ONNX Runtime {OrtVersion()} (ORT_ENABLE_ALL) | {ortRate:F1} | {ortSeconds:F3} | {ortPeak:F0} |",
            $"| Manabi int8 (`QuantizeInt8`: dynamic int8 linear layers, FBGEMM) | {int8Rate:F1} | {int8Seconds:F3} | {int8Peak:F0} |",
            "",
            $"Ratio Manabi / ONNX Runtime: **{manabiRate / ortRate:F2}×**. Lowest cosine between the two engines' embeddings: {worstCosine:F7}.",
            $"Ratio Manabi int8 / ONNX Runtime (float32): **{int8Rate / ortRate:F2}×**; Manabi int8 / Manabi float32: {int8Rate / manabiRate:F2}×.",
            $"Cosine of the int8 embeddings to Manabi's float32 ones over the {texts.Count} lines: mean {int8Cosines.Average():F5}, " +
                $"lowest {int8Cosines[0]:F5}, 1st percentile {int8Cosines[int8Cosines.Length / 100]:F5}, 5th percentile {int8Cosines[int8Cosines.Length / 20]:F5}, " +
                $"median {int8Cosines[int8Cosines.Length / 2]:F5}; {int8Cosines.Count(c => c >= 0.99) * 100.0 / int8Cosines.Length:F1} % of lines at 0.99 or above.",
            $"Peak RSS of each phase is measured from a reset of VmHWM at its start (the Manabi phase follows loading the model).");
        Console.WriteLine(table);
        if (outFile is not null)
        {
            File.WriteAllText(outFile + ".tmp", table + "\n");
            File.Move(outFile + ".tmp", outFile, overwrite: true);
        }
        return 0;
    }

    /// <summary>ONNX Runtime with Manabi's tokenization: length-sorted batches, masked mean pooling, L2 normalisation.</summary>
    private static float[][] OnnxEncode(InferenceSession session, SentenceEncoder model, List<string> texts, int batch)
    {
        var lengths = texts.Select(t => model.Tokenizer.CountTokens(t.Trim())).ToArray();
        int[] order = Enumerable.Range(0, texts.Count).OrderByDescending(i => lengths[i]).ToArray();
        var result = new float[texts.Count][];
        for (int start = 0; start < order.Length; start += batch)
        {
            var rows = order.Skip(start).Take(batch).ToArray();
            using var tokens = model.Tokenize(rows.Select(i => texts[i]).ToList());
            long[] ids = tokens.InputIds.data<long>().ToArray();
            long[] mask = tokens.AttentionMask.data<long>().ToArray();
            int count = rows.Length, length = ids.Length / count;
            var inputs = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, [count, length])),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, [count, length])),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], [count, length])),
            };
            using var outputs = session.Run(inputs, [session.OutputMetadata.Keys.First()]);
            var hidden = outputs[0].AsTensor<float>();
            int width = (int)hidden.Dimensions[2];
            for (int r = 0; r < count; r++)
            {
                var vector = new float[width];
                int real = 0;
                for (int t = 0; t < length; t++)
                {
                    if (mask[r * length + t] == 0)
                    {
                        continue;
                    }
                    real++;
                    for (int d = 0; d < width; d++)
                    {
                        vector[d] += hidden[r, t, d];
                    }
                }
                float norm = 0;
                for (int d = 0; d < width; d++)
                {
                    vector[d] /= real;
                    norm += vector[d] * vector[d];
                }
                norm = MathF.Sqrt(norm);
                for (int d = 0; d < width; d++)
                {
                    vector[d] /= norm;
                }
                result[rows[r]] = vector;
            }
        }
        return result;
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string TorchRuntimeVersion() => Manabi.Torch.Runtime.TorchRuntime.TorchSharpVersion;

    private static string OrtVersion() => typeof(InferenceSession).Assembly.GetName().Version?.ToString() ?? "?";

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Manabi.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("run the benchmark from inside the repository (Manabi.slnx not found above " + AppContext.BaseDirectory + ")");
    }
}
