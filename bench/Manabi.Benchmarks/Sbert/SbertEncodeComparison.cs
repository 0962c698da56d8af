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
/// embeddings' cosine to float32; ONNX Runtime's own int8 model of the same file (<see cref="OnnxDynamicInt8"/>), per
/// tensor and per channel; and the model in bfloat16 (<see cref="SentenceEncoder.UseBFloat16"/>).
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

        // ONNX Runtime's own int8 model of the same file (what quantize_dynamic writes by default; OnnxDynamicInt8).
        PeakMemory.Reset();
        var (onnxInt8, rewritten) = OnnxDynamicInt8.Quantize(onnx);
        using var int8Session = new InferenceSession(onnxInt8, options);
        float[][] theirInt8 = OnnxEncode(int8Session, model, texts, batch);
        double ortInt8Peak = PeakMemory.PeakMiB();
        var (onnxInt8Channel, _) = OnnxDynamicInt8.Quantize(onnx, perChannel: true);
        using var int8ChannelSession = new InferenceSession(onnxInt8Channel, options);
        float[][] theirInt8Channel = OnnxEncode(int8ChannelSession, model, texts, batch);

        // The int8 path (SentenceEncoder.QuantizeInt8) on its own copy of the model; its peak includes the import.
        PeakMemory.Reset();
        using var quantized = DefaultSentenceModel.Import();
        quantized.QuantizeInt8();
        float[][] int8 = quantized.Encode(texts, batch).Vectors;
        double int8Peak = PeakMemory.PeakMiB();

        // The bfloat16 path (SentenceEncoder.UseBFloat16): AMX / AVX-512-BF16 matrix products where the CPU has them.
        PeakMemory.Reset();
        using var bfloat16 = DefaultSentenceModel.Import();
        bfloat16.UseBFloat16();
        float[][] bf16 = bfloat16.Encode(texts, batch).Vectors;
        double bf16Peak = PeakMemory.PeakMiB();

        var bf16Times = new List<double>();
        var manabiTimes = new List<double>();
        var ortTimes = new List<double>();
        var int8Times = new List<double>();
        var ortInt8Times = new List<double>();
        var ortInt8ChannelTimes = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            manabiTimes.Add(Time(() => model.Encode(texts, batch)));
            ortTimes.Add(Time(() => OnnxEncode(session, model, texts, batch)));
            int8Times.Add(Time(() => quantized.Encode(texts, batch)));
            bf16Times.Add(Time(() => bfloat16.Encode(texts, batch)));
            ortInt8Times.Add(Time(() => OnnxEncode(int8Session, model, texts, batch)));
            ortInt8ChannelTimes.Add(Time(() => OnnxEncode(int8ChannelSession, model, texts, batch)));
        }
        double manabiSeconds = Median(manabiTimes), ortSeconds = Median(ortTimes), int8Seconds = Median(int8Times), ortInt8Seconds = Median(ortInt8Times), ortInt8ChannelSeconds = Median(ortInt8ChannelTimes), bf16Seconds = Median(bf16Times);
        double[] int8Cosines = Cosines(ours, int8);
        double[] ortInt8Cosines = Cosines(ours, theirInt8);
        double[] ortInt8ChannelCosines = Cosines(ours, theirInt8Channel);

        double worstCosine = ours.Zip(theirs).Min(p => p.First.Zip(p.Second).Sum(x => (double)x.First * x.Second));
        double manabiRate = texts.Count / manabiSeconds, ortRate = texts.Count / ortSeconds, int8Rate = texts.Count / int8Seconds, ortInt8Rate = texts.Count / ortInt8Seconds, ortInt8ChannelRate = texts.Count / ortInt8ChannelSeconds, bf16Rate = texts.Count / bf16Seconds;
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
            $"| ONNX Runtime {OrtVersion()} int8 (quantize_dynamic's graph, {rewritten} MatMuls; fused to DynamicQuantizeMatMul) | {ortInt8Rate:F1} | {ortInt8Seconds:F3} | {ortInt8Peak:F0} |",
            $"| ONNX Runtime {OrtVersion()} int8, per_channel=True | {ortInt8ChannelRate:F1} | {ortInt8ChannelSeconds:F3} | — |",
            $"| Manabi bfloat16 (`UseBFloat16`; CPU bfloat16 units: {(Manabi.Torch.Runtime.TorchRuntime.CpuSupportsBFloat16 ? "yes" : "none, emulated")}) | {bf16Rate:F1} | {bf16Seconds:F3} | {bf16Peak:F0} |",
            "",
            $"Ratio Manabi / ONNX Runtime: **{manabiRate / ortRate:F2}×**. Lowest cosine between the two engines' embeddings: {worstCosine:F7}.",
            $"Ratio Manabi int8 / ONNX Runtime (float32): **{int8Rate / ortRate:F2}×**; Manabi int8 / Manabi float32: {int8Rate / manabiRate:F2}×.",
            $"Ratio Manabi int8 / ONNX Runtime int8: **{int8Rate / ortInt8Rate:F2}×** (per tensor, the tool's default), **{int8Rate / ortInt8ChannelRate:F2}×** (per channel); ONNX Runtime int8 / ONNX Runtime float32: {ortInt8Rate / ortRate:F2}× and {ortInt8ChannelRate / ortRate:F2}×.",
            $"Ratio Manabi bfloat16 / ONNX Runtime (float32): **{bf16Rate / ortRate:F2}×**; Manabi bfloat16 / Manabi float32: {bf16Rate / manabiRate:F2}×; Manabi bfloat16 / ONNX Runtime int8: {bf16Rate / ortInt8Rate:F2}× (per tensor) and {bf16Rate / ortInt8ChannelRate:F2}× (per channel).",
            $"Cosine to Manabi's float32 embeddings over the {texts.Count} lines, Manabi bfloat16: {Describe(Cosines(ours, bf16))}.",
            $"Cosine to Manabi's float32 embeddings over the {texts.Count} lines, Manabi int8: {Describe(int8Cosines)}.",
            $"Cosine to Manabi's float32 embeddings over the {texts.Count} lines, ONNX Runtime int8: {Describe(ortInt8Cosines)}.",
            $"Cosine to Manabi's float32 embeddings over the {texts.Count} lines, ONNX Runtime int8 per channel: {Describe(ortInt8ChannelCosines)}.",
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
    internal static float[][] OnnxEncode(InferenceSession session, SentenceEncoder model, List<string> texts, int batch)
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
            // The output's own buffer, read as a span: Tensor<T>'s multi-index indexer allocates per call.
            var hidden = outputs[0].AsTensor<float>();
            var values = (hidden as DenseTensor<float> ?? hidden.ToDenseTensor()).Buffer.Span;
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
                    var row = values.Slice((r * length + t) * width, width);
                    for (int d = 0; d < width; d++)
                    {
                        vector[d] += row[d];
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

    private static double[] Cosines(float[][] reference, float[][] other) =>
        [.. reference.Zip(other).Select(p => p.First.Zip(p.Second).Sum(x => (double)x.First * x.Second)).Order()];

    private static string Describe(double[] sorted) =>
        $"mean {sorted.Average():F5}, lowest {sorted[0]:F5}, 1st percentile {sorted[sorted.Length / 100]:F5}, " +
        $"5th percentile {sorted[sorted.Length / 20]:F5}, median {sorted[sorted.Length / 2]:F5}; " +
        $"{sorted.Count(c => c >= 0.99) * 100.0 / sorted.Length:F1} % of lines at 0.99 or above";

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
